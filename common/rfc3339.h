#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <chrono>

namespace hwacme {

/// Times in the state files and ACME objects: whole seconds, UTC.
using TimePoint = std::chrono::sys_seconds;

/// The system clock, to the second.
inline TimePoint system_seconds() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

/// "2026-11-28T15:10:15Z": RFC 3339 §5.6 in UTC, whole seconds.
std::string format_rfc3339(TimePoint time);

/// Parses an RFC 3339 §5.6 date-time: "T" or "t" or " " between date and time, optional
/// fractional seconds (dropped), and "Z" or a ±HH:MM offset. nullopt when `text` is not one.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

}  // namespace hwacme
