#include <catch2/catch.hpp>

#include "agent/config/key_template.h"
#include "agent/config/value_formats.h"

using namespace hwacme::config;
using std::chrono::seconds;

TEST_CASE("durations take one number and one unit of s m h d", "[unit]") {
    CHECK(parse_duration("90s") == seconds(90));
    CHECK(parse_duration("15m") == seconds(900));
    CHECK(parse_duration("12h") == seconds(43200));
    CHECK(parse_duration("7d") == seconds(604800));
    CHECK(parse_duration("0s") == seconds(0));
    for (const char* bad : {"", "s", "90", "7 d", "7D", "1w", "-1s", "+1s", "1.5h", "1h30m", " 7d",
                            "99999999999999999999d", "9223372036854775807d"}) {
        INFO(bad);
        CHECK_FALSE(parse_duration(bad));
    }
}

TEST_CASE("durations format in their largest exact unit", "[unit]") {
    CHECK(format_duration(seconds(604800)) == "7d");
    CHECK(format_duration(seconds(7200)) == "2h");
    CHECK(format_duration(seconds(90)) == "90s");
    CHECK(format_duration(seconds(0)) == "0s");
}

TEST_CASE("file modes are octal strings up to 0777", "[unit]") {
    CHECK(parse_file_mode("0644") == 0644u);
    CHECK(parse_file_mode("640") == 0640u);
    CHECK(parse_file_mode("0400") == 0400u);
    CHECK(parse_file_mode("0777") == 0777u);
    for (const char* bad : {"", "0999", "01777", "4755", "64a", "-644", "00644", "0x1a4"}) {
        INFO(bad);
        CHECK_FALSE(parse_file_mode(bad));
    }
    CHECK(format_file_mode(0640) == "0640");
}

TEST_CASE("a key template gets the generation number at every placeholder", "[unit]") {
    CHECK(is_key_template("pkcs11:token=t;object=www-{generation}"));
    CHECK_FALSE(is_key_template("pkcs11:token=t;object=www"));
    CHECK(key_uri_for_generation("pkcs11:token=t;object=www-{generation}", 3) ==
          "pkcs11:token=t;object=www-3");
    CHECK(key_uri_for_generation("tpm2:path=/k/{generation}/www-{generation}.pem", 12) ==
          "tpm2:path=/k/12/www-12.pem");
    CHECK(key_uri_for_generation("file:/k/www.pem", 1) == "file:/k/www.pem");
}
