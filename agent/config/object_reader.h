#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/json_locator.h"

namespace hwacme::config {

/// The configuration text being read, and how to point into it: every error it raises names
/// the file, the line and the field ("hwacme.json:12: certificates[1].key_policy: …").
class ConfigSource {
public:
    ConfigSource(std::string_view text, std::string name) : name_(std::move(name)), lines_(text) {}

    /// Throws Error{InvalidArgument} "NAME:LINE: PATH: MESSAGE" (no "PATH: " for the root).
    [[noreturn]] void fail(std::string_view path, std::string_view message) const;

    const JsonLocator& locator() const { return lines_; }

private:
    std::string name_;
    JsonLocator lines_;
};

/// One JSON object of the configuration, read field by field with the checks every field
/// needs: its JSON type, non-empty strings, the value formats. Refuses any field not in `known`
/// as soon as it is built, so a misspelt optional field is an error rather than a line that is
/// silently ignored. Refers to the source and the value; both must outlive it.
class ObjectReader {
public:
    /// Error when `value` is not an object or has a field not in `known`.
    ObjectReader(const ConfigSource& source, const boost::json::value& value, std::string path,
                 std::initializer_list<std::string_view> known);

    const std::string& path() const { return path_; }
    std::string path_of(std::string_view field) const;
    const ConfigSource& source() const { return source_; }
    const boost::json::value* find(std::string_view field) const;

    /// Error naming `field`: "PATH.FIELD: MESSAGE" on the field's line.
    [[noreturn]] void fail(std::string_view field, std::string_view message) const;
    /// Error for a required field that is absent; `what` says what it holds.
    [[noreturn]] void fail_missing(std::string_view field, std::string_view what) const;

    /// Each getter: nullopt when the field is absent, Error when it has the wrong type or value.
    std::optional<std::string> string(std::string_view field) const;
    std::string required_string(std::string_view field, std::string_view what) const;
    std::optional<bool> boolean(std::string_view field) const;
    std::optional<std::vector<std::string>> strings(std::string_view field) const;
    std::optional<std::uint16_t> port(std::string_view field) const;
    /// A whole number of seconds, or a string like "90s", "15m", "12h", "7d".
    std::optional<std::chrono::seconds> duration(std::string_view field) const;
    /// An octal string like "0640".
    std::optional<unsigned> file_mode(std::string_view field) const;
    /// A string holding an absolute path: the service runs from "/", where a relative path
    /// would mean something other than what the operator had in mind.
    std::optional<std::filesystem::path> absolute_path(std::string_view field) const;
    /// The array at `field`, each element still to be read.
    const boost::json::array* array(std::string_view field) const;

private:
    const ConfigSource& source_;
    const boost::json::object& object_;
    std::string path_;
};

/// The JSON type of a value in words, for "must be a string, not a number".
std::string_view json_kind(const boost::json::value& value);

}  // namespace hwacme::config
