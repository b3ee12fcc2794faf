#include "common/rfc3339.h"

#include <cstdio>

namespace hwacme {
namespace {

using namespace std::chrono;

// Reads exactly `width` digits at `at`, advancing it; nullopt when they are not all digits.
std::optional<int> read_digits(std::string_view text, std::size_t& at, std::size_t width) {
    if (at + width > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t end = at + width; at < end; ++at) {
        if (text[at] < '0' || text[at] > '9') return std::nullopt;
        value = value * 10 + (text[at] - '0');
    }
    return value;
}

bool expect(std::string_view text, std::size_t& at, std::string_view choices) {
    if (at >= text.size() || choices.find(text[at]) == std::string_view::npos) return false;
    ++at;
    return true;
}

}  // namespace

std::string format_rfc3339(TimePoint time) {
    auto day = floor<days>(time);
    year_month_day date{day};
    hh_mm_ss clock{time - day};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(date.year()),
                  unsigned(date.month()), unsigned(date.day()), int(clock.hours().count()),
                  int(clock.minutes().count()), int(clock.seconds().count()));
    return text;
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
    std::size_t at = 0;
    auto year = read_digits(text, at, 4);
    if (!year || !expect(text, at, "-")) return std::nullopt;
    auto month = read_digits(text, at, 2);
    if (!month || !expect(text, at, "-")) return std::nullopt;
    auto day = read_digits(text, at, 2);
    if (!day || !expect(text, at, "Tt ")) return std::nullopt;
    auto hour = read_digits(text, at, 2);
    if (!hour || !expect(text, at, ":")) return std::nullopt;
    auto minute = read_digits(text, at, 2);
    if (!minute || !expect(text, at, ":")) return std::nullopt;
    auto second = read_digits(text, at, 2);
    if (!second) return std::nullopt;
    if (expect(text, at, ".")) {
        std::size_t digits_start = at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
        if (at == digits_start) return std::nullopt;
    }
    seconds offset{0};
    if (!expect(text, at, "Zz")) {
        bool negative = at < text.size() && text[at] == '-';
        if (!expect(text, at, "+-")) return std::nullopt;
        auto offset_hours = read_digits(text, at, 2);
        if (!offset_hours || !expect(text, at, ":")) return std::nullopt;
        auto offset_minutes = read_digits(text, at, 2);
        if (!offset_minutes || *offset_hours > 23 || *offset_minutes > 59) return std::nullopt;
        offset = hours(*offset_hours) + minutes(*offset_minutes);
        if (negative) offset = -offset;
    }
    if (at != text.size()) return std::nullopt;
    year_month_day date{std::chrono::year(*year), std::chrono::month(unsigned(*month)),
                        std::chrono::day(unsigned(*day))};
    // RFC 3339 §5.7 allows a leap second (:60); it is read as the next second.
    if (!date.ok() || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    TimePoint time = sys_days(date) + hours(*hour) + minutes(*minute) + seconds(*second) - offset;
    // An offset can move 0000-01-01 or 9999-12-31 into a year that four digits cannot write:
    // format_rfc3339 could not give such a time back, and a state file that kept it could not
    // be read again.
    year_month_day utc{floor<days>(time)};
    if (utc.year() < std::chrono::year(0) || utc.year() > std::chrono::year(9999))
        return std::nullopt;
    return time;
}

}  // namespace hwacme
