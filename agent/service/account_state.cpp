#include "agent/service/account_state.h"

#include <boost/json.hpp>

#include "common/atomic_file.h"
#include "common/directories.h"
#include "common/error.h"
#include "common/json_member.h"

namespace hwacme::service {
namespace {

/// "https://127.0.0.1:14000/dir" → "127.0.0.1_14000_dir": one folder per CA directory.
std::string folder_name_for(const std::string& directory_url) {
    std::string rest = directory_url;
    if (auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
    std::string name;
    for (char c : rest) {
        bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
        name += keep ? c : '_';
    }
    while (!name.empty() && name.back() == '_') name.pop_back();
    return name.empty() ? "default" : name;
}

}  // namespace

std::filesystem::path account_state_path(const std::filesystem::path& state_dir,
                                         const std::string& directory_url) {
    return state_dir / "accounts" / folder_name_for(directory_url) / "account.json";
}

std::optional<AccountState> load_account_state(const std::filesystem::path& state_dir,
                                               const std::string& directory_url) {
    auto path = account_state_path(state_dir, directory_url);
    auto text = read_state_file(path);
    if (!text) return std::nullopt;
    boost::system::error_code ec;
    auto value = boost::json::parse(*text, ec);
    if (ec || !value.is_object())
        throw Error(Errc::Io, "account state " + path.string() + " is not valid JSON");
    const auto& obj = value.as_object();
    AccountState state{string_member(obj, "directory"),
                       string_member(obj, "account_url"),
                       string_member(obj, "account_key"),
                       {}};
    if (auto* c = obj.if_contains("contacts"); c && c->is_array())
        for (auto& contact : c->as_array())
            if (contact.is_string()) state.contacts.emplace_back(contact.as_string());
    if (state.account_url.empty() || state.account_key_uri.empty())
        throw Error(Errc::Io, "account state " + path.string() + " lacks account_url/account_key");
    return state;
}

void save_account_state(const std::filesystem::path& state_dir, const AccountState& state) {
    auto path = account_state_path(state_dir, state.directory_url);
    create_directories_with_mode(path.parent_path(), 0700);
    boost::json::array contacts(state.contacts.begin(), state.contacts.end());
    boost::json::object obj{{"directory", state.directory_url},
                            {"account_url", state.account_url},
                            {"account_key", state.account_key_uri},
                            {"contacts", std::move(contacts)}};
    write_file_atomic(path, boost::json::serialize(obj) + "\n", 0600);
}

void remove_account_state(const std::filesystem::path& state_dir,
                          const std::string& directory_url) {
    std::error_code ec;
    std::filesystem::remove(account_state_path(state_dir, directory_url), ec);
    if (ec) throw Error(Errc::Io, "cannot remove the account state: " + ec.message());
}

}  // namespace hwacme::service
