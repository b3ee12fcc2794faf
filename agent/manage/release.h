#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hwacme::manage {

/// One published certificate: OUT/releases/<serial>/ with cert.pem, chain.pem, fullchain.pem,
/// key.uri (the key's URI and a newline) and, for keys kept in files (file:, tpm2:path=), a
/// symlink key.pem to that file. OUT/current is a symlink to the live release, so web servers
/// read OUT/current/fullchain.pem and the key that goes with it, and one rename switches both.
struct Release {
    std::filesystem::path dir;
    std::filesystem::path cert;
    std::filesystem::path chain;
    std::filesystem::path fullchain;
    std::filesystem::path key_uri_file;
    std::optional<std::filesystem::path> key_file;  ///< the key.pem symlink, when there is one
};

/// Writes the release of `serial_hex` (every file fsynced, `file_mode` on the certificates,
/// folders created 0755). Rewrites a release of that serial left half-written by a crash.
Release write_release(const std::filesystem::path& output_dir, const std::string& serial_hex,
                      const std::vector<std::string>& chain_pems, const std::string& key_uri,
                      unsigned file_mode);

/// Points OUT/current at `release` atomically: a new symlink renamed over the old one.
void activate_release(const std::filesystem::path& output_dir, const Release& release);

/// The release OUT/current points at; nullopt when there is none.
std::optional<std::filesystem::path> active_release_dir(const std::filesystem::path& output_dir);

/// Deletes a release folder that is not the active one; nothing when it is gone already.
void remove_release(const std::filesystem::path& output_dir,
                    const std::filesystem::path& release_dir);

/// The Release paths for a folder written earlier.
Release release_at(const std::filesystem::path& release_dir);

}  // namespace hwacme::manage
