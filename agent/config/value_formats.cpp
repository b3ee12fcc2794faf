#include "agent/config/value_formats.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <limits>

namespace hwacme::config {
namespace {

struct Unit {
    char suffix;
    std::int64_t seconds;
};
constexpr std::array<Unit, 4> kUnits{{{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}}};

}  // namespace

std::optional<std::chrono::seconds> parse_duration(std::string_view text) {
    if (text.size() < 2) return std::nullopt;
    const Unit* unit = nullptr;
    for (const auto& candidate : kUnits)
        if (text.back() == candidate.suffix) unit = &candidate;
    if (!unit) return std::nullopt;
    std::string_view digits = text.substr(0, text.size() - 1);
    std::int64_t count = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    // from_chars takes a leading '-': the first character must be a digit.
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.front() < '0' ||
        digits.front() > '9')
        return std::nullopt;
    if (count > std::numeric_limits<std::int64_t>::max() / unit->seconds) return std::nullopt;
    return std::chrono::seconds(count * unit->seconds);
}

std::string format_duration(std::chrono::seconds duration) {
    auto count = duration.count();
    for (const auto& unit : kUnits)
        if (count != 0 && count % unit.seconds == 0)
            return std::to_string(count / unit.seconds) + unit.suffix;
    return std::to_string(count) + "s";
}

std::optional<unsigned> parse_file_mode(std::string_view text) {
    if (text.empty() || text.size() > 4) return std::nullopt;
    unsigned mode = 0;
    for (char c : text) {
        if (c < '0' || c > '7') return std::nullopt;
        mode = mode * 8 + static_cast<unsigned>(c - '0');
    }
    if (mode > 0777) return std::nullopt;
    return mode;
}

std::string format_file_mode(unsigned mode) {
    std::array<char, 8> out{};
    std::snprintf(out.data(), out.size(), "%04o", mode & 0777u);
    return out.data();
}

}  // namespace hwacme::config
