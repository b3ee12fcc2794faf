#include <catch2/catch.hpp>

#include "common/base64url.h"
#include "common/error.h"

using namespace hwacme;

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding", "[unit]") {
    CHECK(base64url_encode(std::string_view("")) == "");
    CHECK(base64url_encode(std::string_view("f")) == "Zg");
    CHECK(base64url_encode(std::string_view("fo")) == "Zm8");
    CHECK(base64url_encode(std::string_view("foo")) == "Zm9v");
    CHECK(base64url_encode(std::string_view("foob")) == "Zm9vYg");
    CHECK(base64url_encode(std::string_view("fooba")) == "Zm9vYmE");
    CHECK(base64url_encode(std::string_view("foobar")) == "Zm9vYmFy");
}

TEST_CASE("base64url uses the URL-safe alphabet and round-trips every byte", "[unit]") {
    Bytes all(256);
    for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
    std::string text = base64url_encode(all);
    CHECK(text.find_first_of("+/=") == std::string::npos);
    CHECK(base64url_decode(text) == all);
    CHECK(base64url_decode("Zm9vYg==") == Bytes{'f', 'o', 'o', 'b'});
}

TEST_CASE("base64url refuses characters outside its alphabet", "[unit]") {
    CHECK_THROWS_AS(base64url_decode("Zm9v+g"), Error);
    CHECK_THROWS_AS(base64url_decode("Z"), Error);
}
