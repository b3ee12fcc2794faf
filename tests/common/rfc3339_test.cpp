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

// Inputs found by fuzz/rfc3339.cpp's round-trip property.
TEST_CASE("RFC 3339 times that an offset or a leap second moves past 0000-9999 are refused",
          "[unit]") {
    auto text = GENERATE(as<std::string>{}, "0000-01-01T00:00:00+01:00",
                         "9999-12-31T23:59:59-00:01", "9999-12-31T23:59:60Z");
    CHECK_FALSE(parse_rfc3339(text).has_value());
    CHECK(parse_rfc3339("0000-01-01T00:00:00-01:00").has_value());
    CHECK(parse_rfc3339("9999-12-31T23:59:59+00:01").has_value());
}

TEST_CASE("every RFC 3339 time that is read is written back as text that reads the same",
          "[unit]") {
    auto text = GENERATE(as<std::string>{}, "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                         "2016-12-31 23:59:60-00:30", "1969-12-31T23:59:59.5+23:59");
    auto time = parse_rfc3339(text);
    REQUIRE(time.has_value());
    CHECK(parse_rfc3339(format_rfc3339(*time)) == time);
}
