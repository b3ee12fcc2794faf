#include "agent/manage/certificate_state.h"

#include <boost/json.hpp>
#include <climits>
#include <stdexcept>

#include "common/atomic_file.h"
#include "common/directories.h"
#include "common/error.h"
#include "common/rfc3339.h"

namespace hwacme::manage {
namespace {

namespace json = boost::json;

// Bumped when a member changes meaning, so an older hwacme refuses a state it would misread.
constexpr std::int64_t kFormatVersion = 1;

// What is wrong inside the file; load_certificate_state adds the file's name.
struct Corrupt : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const json::value& member(const json::object& obj, std::string_view key) {
    auto* value = obj.if_contains(key);
    if (!value) throw Corrupt("\"" + std::string(key) + "\" is missing");
    return *value;
}

const json::object& object_member(const json::object& obj, std::string_view key) {
    auto* value = member(obj, key).if_object();
    if (!value) throw Corrupt("\"" + std::string(key) + "\" is not an object");
    return *value;
}

const json::array& array_member(const json::object& obj, std::string_view key) {
    auto* value = member(obj, key).if_array();
    if (!value) throw Corrupt("\"" + std::string(key) + "\" is not an array");
    return *value;
}

const json::object& as_object(const json::value& value, std::string_view what) {
    auto* obj = value.if_object();
    if (!obj) throw Corrupt("an entry of \"" + std::string(what) + "\" is not an object");
    return *obj;
}

std::string string_member(const json::object& obj, std::string_view key) {
    auto* value = member(obj, key).if_string();
    if (!value) throw Corrupt("\"" + std::string(key) + "\" is not a string");
    return std::string(*value);
}

std::optional<std::string> optional_string(const json::object& obj, std::string_view key) {
    if (!obj.contains(key)) return std::nullopt;
    return string_member(obj, key);
}

TimePoint time_member(const json::object& obj, std::string_view key) {
    auto text = string_member(obj, key);
    auto time = parse_rfc3339(text);
    if (!time) throw Corrupt("\"" + std::string(key) + "\" is not an RFC 3339 time: " + text);
    return *time;
}

std::optional<TimePoint> optional_time(const json::object& obj, std::string_view key) {
    if (!obj.contains(key)) return std::nullopt;
    return time_member(obj, key);
}

unsigned unsigned_member(const json::object& obj, std::string_view key) {
    const auto& value = member(obj, key);
    std::int64_t number = -1;
    if (auto* i = value.if_int64()) number = *i;
    if (auto* u = value.if_uint64(); u && *u <= UINT_MAX) number = static_cast<std::int64_t>(*u);
    if (number < 0 || number > UINT_MAX)
        throw Corrupt("\"" + std::string(key) + "\" is not a whole number from 0 to " +
                      std::to_string(UINT_MAX));
    return static_cast<unsigned>(number);
}

bool bool_member(const json::object& obj, std::string_view key) {
    auto* value = member(obj, key).if_bool();
    if (!value) throw Corrupt("\"" + std::string(key) + "\" is not true or false");
    return *value;
}

json::object to_json(const InstalledCertificate& c) {
    return {{"serial", c.serial_hex},
            {"key_uri", c.key_uri},
            {"key_generation", c.key_generation},
            {"not_before", format_rfc3339(c.not_before)},
            {"not_after", format_rfc3339(c.not_after)},
            {"ari_id", c.ari_id},
            {"release_dir", c.release_dir.string()}};
}

InstalledCertificate installed_from_json(const json::object& obj) {
    return {string_member(obj, "serial"),           string_member(obj, "key_uri"),
            unsigned_member(obj, "key_generation"), time_member(obj, "not_before"),
            time_member(obj, "not_after"),          string_member(obj, "ari_id"),
            string_member(obj, "release_dir")};
}

json::object to_json(const PendingRenewal& p) {
    json::object obj{{"key_uri", p.key_uri},
                     {"key_generation", p.key_generation},
                     {"started", format_rfc3339(p.started)}};
    if (p.order_url) obj["order_url"] = *p.order_url;
    return obj;
}

PendingRenewal pending_from_json(const json::object& obj) {
    return {string_member(obj, "key_uri"), unsigned_member(obj, "key_generation"),
            optional_string(obj, "order_url"), time_member(obj, "started")};
}

json::object to_json(const RetiredKey& r) {
    return {{"key_uri", r.key_uri},
            {"serial", r.serial_hex},
            {"release_dir", r.release_dir.string()},
            {"destroy_after", format_rfc3339(r.destroy_after)}};
}

RetiredKey retired_from_json(const json::object& obj) {
    return {string_member(obj, "key_uri"), string_member(obj, "serial"),
            string_member(obj, "release_dir"), time_member(obj, "destroy_after")};
}

json::object to_json(const HistoryEntry& h) {
    return {{"at", format_rfc3339(h.at)},
            {"serial", h.serial_hex},
            {"key_uri", h.key_uri},
            {"not_after", format_rfc3339(h.not_after)}};
}

HistoryEntry history_from_json(const json::object& obj) {
    return {time_member(obj, "at"), string_member(obj, "serial"), string_member(obj, "key_uri"),
            time_member(obj, "not_after")};
}

json::object to_json(const CertificateState& state) {
    json::object obj{{"version", kFormatVersion},
                     {"last_key_generation", state.last_key_generation},
                     {"deploy_pending", state.deploy_pending},
                     {"last_error", state.last_error}};
    if (state.current) obj["current"] = to_json(*state.current);
    if (state.pending) obj["pending"] = to_json(*state.pending);
    auto& retired = obj["retired_keys"].emplace_array();
    for (const auto& key : state.retired_keys) retired.push_back(to_json(key));
    if (state.renew_at) obj["renew_at"] = format_rfc3339(*state.renew_at);
    if (state.ari_checked_until)
        obj["ari_checked_until"] = format_rfc3339(*state.ari_checked_until);
    auto& history = obj["history"].emplace_array();
    std::size_t skip =
        state.history.size() > kHistoryLimit ? state.history.size() - kHistoryLimit : 0;
    for (std::size_t i = skip; i < state.history.size(); ++i)
        history.push_back(to_json(state.history[i]));
    return obj;
}

CertificateState state_from_json(const json::value& value) {
    auto* obj = value.if_object();
    if (!obj) throw Corrupt("the top level is not an object");
    const auto& version = member(*obj, "version");
    if (!version.is_int64() || version.as_int64() != kFormatVersion)
        throw Corrupt("format version " + json::serialize(version) + " is not " +
                      std::to_string(kFormatVersion) + " (written by another hwacme version?)");
    CertificateState state;
    if (obj->contains("current"))
        state.current = installed_from_json(object_member(*obj, "current"));
    if (obj->contains("pending")) state.pending = pending_from_json(object_member(*obj, "pending"));
    for (const auto& entry : array_member(*obj, "retired_keys"))
        state.retired_keys.push_back(retired_from_json(as_object(entry, "retired_keys")));
    state.last_key_generation = unsigned_member(*obj, "last_key_generation");
    state.deploy_pending = bool_member(*obj, "deploy_pending");
    state.renew_at = optional_time(*obj, "renew_at");
    state.ari_checked_until = optional_time(*obj, "ari_checked_until");
    state.last_error = string_member(*obj, "last_error");
    for (const auto& entry : array_member(*obj, "history"))
        state.history.push_back(history_from_json(as_object(entry, "history")));
    return state;
}

}  // namespace

void append_history(CertificateState& state, HistoryEntry entry) {
    state.history.push_back(std::move(entry));
    if (state.history.size() > kHistoryLimit)
        state.history.erase(state.history.begin(),
                            state.history.end() - static_cast<std::ptrdiff_t>(kHistoryLimit));
}

std::filesystem::path certificate_state_path(const std::filesystem::path& state_dir,
                                             const std::string& name) {
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
        name.find('\0') != std::string::npos)
        throw Error(Errc::InvalidArgument, "'" + name + "' cannot name a certificate's state");
    return state_dir / "certificates" / name / "state.json";
}

CertificateState load_certificate_state(const std::filesystem::path& state_dir,
                                        const std::string& name) {
    auto path = certificate_state_path(state_dir, name);
    auto read = read_state_file(path);
    if (!read) return {};
    const std::string& text = *read;
    // Never reset a state that does not read: it may be the only record of a key in a device.
    auto corrupt = [&](const std::string& why) {
        return Error(Errc::Io, "the certificate state " + path.string() + " is corrupt (" + why +
                                   "); repair or move it away");
    };
    boost::system::error_code ec;
    auto value = json::parse(text, ec);
    if (ec) throw corrupt("not JSON: " + ec.message());
    try {
        return state_from_json(value);
    } catch (const Corrupt& e) {
        throw corrupt(e.what());
    }
}

void save_certificate_state(const std::filesystem::path& state_dir, const std::string& name,
                            const CertificateState& state) {
    auto path = certificate_state_path(state_dir, name);
    create_directories_with_mode(path.parent_path(), 0700);
    write_file_atomic(path, json::serialize(to_json(state)) + "\n", 0600);
}

}  // namespace hwacme::manage
