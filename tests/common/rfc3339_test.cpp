#include "common/rfc3339.h"

#include <catch2/catch.hpp>

using namespace hwacme;
using namespace std::chrono;

TEST_CASE("RFC 3339 times are written in UTC and read back", "[unit]") {
    TimePoint time = sys_days(2026y / November / 28) + hours(15) + minutes(10) + seconds(5);
    CHECK(format_rfc3339(time) == "2026-11-28T15:10:05Z");
    CHECK(parse_rfc3339("2026-11-28T15:10:05Z") == time);
    CHECK(format_rfc3339(TimePoint{}) == "1970-01-01T00:00:00Z");
}

TEST_CASE("RFC 3339 offsets and fractions are read as the same instant in UTC", "[unit]") {
    TimePoint time = sys_days(2026y / November / 28) + hours(15);
    CHECK(parse_rfc3339("2026-11-28T17:30:00+02:30") == time);
    CHECK(parse_rfc3339("2026-11-28T10:00:00-05:00") == time);
    CHECK(parse_rfc3339("2026-11-28t15:00:00.999999z") == time);
    CHECK(parse_rfc3339("2026-11-28 15:00:00Z") == time);
}

TEST_CASE("text that is not an RFC 3339 time is refused", "[unit]") {
    auto text = GENERATE(as<std::string>{}, "", "2026-11-28", "2026-11-28T15:00:00",
                         "2026-02-30T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T15:00:00.Z",
                         "2026-11-28T15:00:00+0200", "2026-11-28T15:00:00Z ", "Sat, 28 Nov 2026");
    CHECK_FALSE(parse_rfc3339(text).has_value());
}
