#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hwacme::service {

/// What hwacme remembers of an account at one CA: the account URL and the URI of the key that
/// signs for it. No key material — the key stays in its store.
struct AccountState {
    std::string directory_url;
    std::string account_url;
    std::string account_key_uri;
    std::vector<std::string> contacts;
};

/// The file that holds the account for a CA: <state>/accounts/<host_port_path>/account.json.
std::filesystem::path account_state_path(const std::filesystem::path& state_dir,
                                         const std::string& directory_url);

/// nullopt when no account was saved for this CA. Error{Io} for an unreadable or corrupt file.
std::optional<AccountState> load_account_state(const std::filesystem::path& state_dir,
                                               const std::string& directory_url);

/// Saves atomically, creating the folders with mode 0700.
void save_account_state(const std::filesystem::path& state_dir, const AccountState& state);

/// Forgets the account of a CA (after deactivation); nothing happens when none is saved.
void remove_account_state(const std::filesystem::path& state_dir, const std::string& directory_url);

}  // namespace hwacme::service
