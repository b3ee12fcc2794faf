#include "agent/config/object_reader.h"

#include <algorithm>
#include <boost/json.hpp>

#include "agent/config/value_formats.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::config {
namespace {

const boost::json::object& as_object(const ConfigSource& source, const boost::json::value& value,
                                     const std::string& path) {
    if (!value.is_object())
        source.fail(path, "must be an object, not " + std::string(json_kind(value)));
    return value.get_object();
}

std::string join(std::initializer_list<std::string_view> names) {
    std::string out;
    for (auto name : names) out += (out.empty() ? "" : ", ") + std::string(name);
    return out;
}

}  // namespace

void ConfigSource::fail(std::string_view path, std::string_view message) const {
    std::string where = name_ + ":" + std::to_string(lines_.line_of(path)) + ": ";
    if (!path.empty()) where += log::printable(path) + ": ";
    throw Error(Errc::InvalidArgument, where + std::string(message));
}

std::string_view json_kind(const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::null:
            return "null";
        case boost::json::kind::bool_:
            return "a boolean";
        case boost::json::kind::int64:
        case boost::json::kind::uint64:
        case boost::json::kind::double_:
            return "a number";
        case boost::json::kind::string:
            return "a string";
        case boost::json::kind::array:
            return "an array";
        case boost::json::kind::object:
            return "an object";
    }
    return "a value";
}

ObjectReader::ObjectReader(const ConfigSource& source, const boost::json::value& value,
                           std::string path, std::initializer_list<std::string_view> known)
    : source_(source), object_(as_object(source, value, path)), path_(std::move(path)) {
    for (const auto& member : object_) {
        std::string_view name = member.key();
        if (std::find(known.begin(), known.end(), name) == known.end())
            fail(name, "unknown field (known: " + join(known) + ")");
    }
}

std::string ObjectReader::path_of(std::string_view field) const {
    return path_.empty() ? std::string(field) : path_ + "." + std::string(field);
}

const boost::json::value* ObjectReader::find(std::string_view field) const {
    return object_.if_contains(field);
}

void ObjectReader::fail(std::string_view field, std::string_view message) const {
    source_.fail(path_of(field), message);
}

void ObjectReader::fail_missing(std::string_view field, std::string_view what) const {
    fail(field, "missing: " + std::string(what));
}

std::optional<std::string> ObjectReader::string(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::nullopt;
    if (!value->is_string()) fail(field, "must be a string, not " + std::string(json_kind(*value)));
    if (value->get_string().empty()) fail(field, "must not be empty (leave the field out)");
    return std::string(value->get_string());
}

std::string ObjectReader::required_string(std::string_view field, std::string_view what) const {
    auto value = string(field);
    if (!value) fail_missing(field, what);
    return *value;
}

std::optional<bool> ObjectReader::boolean(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::nullopt;
    if (!value->is_bool())
        fail(field, "must be true or false, not " + std::string(json_kind(*value)));
    return value->get_bool();
}

std::optional<std::vector<std::string>> ObjectReader::strings(std::string_view field) const {
    const auto* items = array(field);
    if (!items) return std::nullopt;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const auto& item = (*items)[i];
        std::string item_path = path_of(field) + "[" + std::to_string(i) + "]";
        if (!item.is_string())
            source_.fail(item_path, "must be a string, not " + std::string(json_kind(item)));
        if (item.get_string().empty()) source_.fail(item_path, "must not be empty");
        out.emplace_back(item.get_string());
    }
    return out;
}

std::optional<std::uint16_t> ObjectReader::port(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::nullopt;
    auto number = value->if_int64();
    if (!number || *number < 1 || *number > 65535)
        fail(field, "must be a port number from 1 to 65535");
    return static_cast<std::uint16_t>(*number);
}

std::optional<std::chrono::seconds> ObjectReader::duration(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::nullopt;
    if (auto seconds = value->if_int64(); seconds && *seconds >= 0)
        return std::chrono::seconds(*seconds);
    if (value->is_string())
        if (auto parsed = parse_duration(value->get_string())) return parsed;
    fail(field,
         "must be a duration: whole seconds as a number, or a string like \"90s\", \"15m\", "
         "\"12h\", \"7d\"");
}

std::optional<unsigned> ObjectReader::file_mode(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return std::nullopt;
    if (value->is_string())
        if (auto mode = parse_file_mode(value->get_string())) return mode;
    fail(field, "must be an octal file mode in a string, like \"0644\" or \"0640\"");
}

std::optional<std::filesystem::path> ObjectReader::absolute_path(std::string_view field) const {
    auto text = string(field);
    if (!text) return std::nullopt;
    std::filesystem::path path(*text);
    if (!path.is_absolute())
        fail(field,
             "must be an absolute path (starting with /), not '" + log::printable(*text) + "'");
    return path;
}

const boost::json::array* ObjectReader::array(std::string_view field) const {
    const auto* value = find(field);
    if (!value) return nullptr;
    if (!value->is_array()) fail(field, "must be an array, not " + std::string(json_kind(*value)));
    return &value->get_array();
}

}  // namespace hwacme::config
