#include "agent/service/order_state.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <tuple>

#include "agent/service/account_state.h"
#include "common/atomic_file.h"
#include "common/directories.h"
#include "common/error.h"
#include "common/json_member.h"
#include "common/log.h"
#include "common/rfc3339.h"
#include "keystore/key.h"

namespace hwacme::service {
namespace {

/// The folder of one CA's orders, named as its account folder is.
std::filesystem::path ca_orders_dir(const std::filesystem::path& state_dir,
                                    const std::string& directory_url) {
    return state_dir / "orders" /
           account_state_path(state_dir, directory_url).parent_path().filename();
}

/// A file name that stands for the names and the key: a key URI holds '/' and ';', and a list of
/// names can be longer than a file name may be.
std::string record_file_name(const std::vector<std::string>& names, const std::string& key_uri) {
    std::string identity = key_uri;
    for (const auto& name : names) identity += "\n" + name;
    auto digest = keystore::digest(keystore::HashAlg::Sha256, as_bytes(identity));
    static const char* hex = "0123456789abcdef";
    std::string file;
    for (std::size_t i = 0; i < 16; ++i) {
        file += hex[digest[i] >> 4];
        file += hex[digest[i] & 0xf];
    }
    return file + ".json";
}

/// Error{Io} naming the file when it is not a whole record.
SavedOrder parse_record(const std::filesystem::path& path) {
    boost::system::error_code ec;
    auto value = boost::json::parse(read_file(path), ec);
    if (ec || !value.is_object())
        throw Error(Errc::Io, "saved order " + path.string() + " is not valid JSON");
    const auto& obj = value.as_object();
    SavedOrder order{string_member(obj, "directory"),
                     {},
                     string_member(obj, "key"),
                     string_member(obj, "order_url")};
    if (auto* names = obj.if_contains("names"); names && names->is_array())
        for (const auto& name : names->as_array())
            if (name.is_string()) order.names.emplace_back(name.as_string());
    auto saved_at = parse_rfc3339(string_member(obj, "saved"));
    if (order.directory_url.empty() || order.order_url.empty() || order.key_uri.empty() ||
        order.names.empty() || !saved_at)
        throw Error(Errc::Io, "saved order " + path.string() +
                                  " lacks directory, order_url, key, names or saved");
    order.saved_at = *saved_at;
    return order;
}

}  // namespace

std::filesystem::path saved_order_path(const std::filesystem::path& state_dir,
                                       const std::string& directory_url,
                                       const std::vector<std::string>& names,
                                       const std::string& key_uri) {
    return ca_orders_dir(state_dir, directory_url) / record_file_name(name_set(names), key_uri);
}

std::optional<SavedOrder> load_saved_order(const std::filesystem::path& state_dir,
                                           const std::string& directory_url,
                                           const std::vector<std::string>& names,
                                           const std::string& key_uri) {
    auto path = saved_order_path(state_dir, directory_url, names, key_uri);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    try {
        auto order = parse_record(path);
        // The file name is a digest: check that the record is the one asked for.
        if (order.directory_url == directory_url && order.names == name_set(names) &&
            order.key_uri == key_uri)
            return order;
        log::warning("saved order " + path.string() + " is for other names, key or CA; ignored");
    } catch (const Error& e) {
        log::warning(std::string(e.what()) + "; ignored");
    }
    return std::nullopt;
}

void save_order(const std::filesystem::path& state_dir, const SavedOrder& order) {
    auto names = name_set(order.names);
    auto path = saved_order_path(state_dir, order.directory_url, names, order.key_uri);
    create_directories_with_mode(path.parent_path(), 0700);
    boost::json::object obj{{"directory", order.directory_url},
                            {"order_url", order.order_url},
                            {"names", boost::json::array(names.begin(), names.end())},
                            {"key", order.key_uri},
                            {"saved", format_rfc3339(order.saved_at)}};
    write_file_atomic(path, boost::json::serialize(obj) + "\n", 0600);
}

void remove_saved_order(const std::filesystem::path& state_dir, const SavedOrder& order) {
    std::error_code ec;
    auto path = saved_order_path(state_dir, order.directory_url, order.names, order.key_uri);
    std::filesystem::remove(path, ec);
    if (ec)
        throw Error(Errc::Io,
                    "cannot remove the saved order " + path.string() + ": " + ec.message());
}

std::vector<SavedOrder> list_saved_orders(const std::filesystem::path& state_dir) {
    std::vector<SavedOrder> orders;
    std::error_code ec;
    auto root = state_dir / "orders";
    if (!std::filesystem::is_directory(root, ec)) return orders;
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        const auto& path = it->path();
        std::error_code type_ec;
        // write_file_atomic's temp files start with '.' and end in a random suffix.
        if (!it->is_regular_file(type_ec) || path.extension() != ".json" ||
            path.filename().string().starts_with("."))
            continue;
        try {
            orders.push_back(parse_record(path));
        } catch (const Error& e) {
            log::warning(std::string(e.what()) + "; left out");
        }
    }
    if (ec) throw Error(Errc::Io, "cannot list " + root.string() + ": " + ec.message());
    std::stable_sort(orders.begin(), orders.end(), [](const auto& a, const auto& b) {
        return std::tie(a.saved_at, a.order_url) < std::tie(b.saved_at, b.order_url);
    });
    return orders;
}

}  // namespace hwacme::service
