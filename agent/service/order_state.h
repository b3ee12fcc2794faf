#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/name_set.h"

namespace hwacme::service {

/// An order `hwacme issue` has under way: saved before any challenge is answered so that a rerun
/// after an interruption resumes it instead of ordering again, and forgotten once the
/// certificate files are written. One per CA directory, set of names and certificate key.
struct SavedOrder {
    std::string directory_url;
    std::vector<std::string> names;  ///< as a set: sorted, lower case, no duplicates
    std::string key_uri;             ///< the certificate key
    std::string order_url;
    std::chrono::sys_seconds saved_at{};
};

/// <state>/orders/<host_port_path of the CA>/<digest of names and key>.json
std::filesystem::path saved_order_path(const std::filesystem::path& state_dir,
                                       const std::string& directory_url,
                                       const std::vector<std::string>& names,
                                       const std::string& key_uri);

/// The order saved for this CA, names and key; nullopt when there is none. A record that cannot
/// be read is reported as a warning and treated as none: it must not block issuance.
std::optional<SavedOrder> load_saved_order(const std::filesystem::path& state_dir,
                                           const std::string& directory_url,
                                           const std::vector<std::string>& names,
                                           const std::string& key_uri);

/// Saves atomically (0600), creating the folders with mode 0700; replaces the record of the same
/// CA, names and key. Error{Io} when it cannot be written.
void save_order(const std::filesystem::path& state_dir, const SavedOrder& order);

/// Forgets the record of this CA, names and key; nothing happens when there is none.
void remove_saved_order(const std::filesystem::path& state_dir, const SavedOrder& order);

/// Every saved order, of every CA, oldest first; unreadable records are warned about and left out.
std::vector<SavedOrder> list_saved_orders(const std::filesystem::path& state_dir);

}  // namespace hwacme::service
