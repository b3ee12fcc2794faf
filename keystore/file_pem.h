#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "common/c_handle.h"

namespace hwacme::keystore {

/// Mode and owner of a key file, as describe() and list() report them.
struct KeyFileStat {
    mode_t permissions = 0;  ///< the 07777 bits
    uid_t owner = 0;
};

/// The mode and owner of `path`. Error{NotFound} when absent, Error{Io} otherwise.
KeyFileStat stat_key_file(const std::filesystem::path& path);

/// "0600".
std::string format_mode(mode_t permissions);

/// Reads an unencrypted private key PEM (PKCS#8 or traditional EC/RSA) from `path`.
/// Error{NotFound} when there is no file, Error{InvalidArgument} when it holds no private key
/// PEM, Error{Unsupported} when it is encrypted, Error{Io} when it cannot be read.
EvpPkeyPtr read_private_key_pem(const std::filesystem::path& path);

/// Writes `key` as an unencrypted PKCS#8 PEM to a new file at `path`, mode 0600, fsync'd.
/// Never replaces a file: Error{AlreadyExists} when `path` exists, Error{NotFound} when its
/// folder does not, Error{Io} otherwise (and no partial file is left behind).
void create_private_key_pem(const std::filesystem::path& path, EVP_PKEY* key);

/// Unlinks `path` and makes the removal durable. Error{NotFound} when absent, Error{Io} otherwise.
void remove_key_file(const std::filesystem::path& path);

}  // namespace hwacme::keystore
