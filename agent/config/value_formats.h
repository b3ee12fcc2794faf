#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace hwacme::config {

/// A duration as the configuration writes it: a whole number and one unit, "90s", "15m", "12h",
/// "7d". nullopt for anything else (no unit, another unit, a sign, overflow).
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

/// The shortest exact spelling of a duration in that syntax: 604800 s -> "7d", 90 s -> "90s".
std::string format_duration(std::chrono::seconds duration);

/// A file mode written in octal, as chmod takes it: "0640", "640". nullopt for anything else or
/// a mode beyond 0777 (no set-id or sticky bits on certificate files).
std::optional<unsigned> parse_file_mode(std::string_view text);

/// "0644".
std::string format_file_mode(unsigned mode);

}  // namespace hwacme::config
