#include <catch2/catch.hpp>

#include "agent/acme/directory.h"
#include "common/error.h"

using namespace hwacme::acme;

TEST_CASE("the RFC 8555 §7.1.1 example directory parses", "[unit]") {
    auto dir = Directory::parse(R"({
        "newNonce": "https://example.com/acme/new-nonce",
        "newAccount": "https://example.com/acme/new-account",
        "newOrder": "https://example.com/acme/new-order",
        "newAuthz": "https://example.com/acme/new-authz",
        "revokeCert": "https://example.com/acme/revoke-cert",
        "keyChange": "https://example.com/acme/key-change",
        "meta": {
            "termsOfService": "https://example.com/acme/terms/2017-5-30",
            "website": "https://www.example.com/",
            "caaIdentities": ["example.com"],
            "externalAccountRequired": false,
            "profiles": {"classic": "the usual", "shortlived": "6 days"}
        }})",
                                "https://example.com/dir");
    CHECK(dir.new_nonce == "https://example.com/acme/new-nonce");
    CHECK(dir.new_order == "https://example.com/acme/new-order");
    CHECK(dir.key_change == "https://example.com/acme/key-change");
    CHECK(dir.terms_of_service == "https://example.com/acme/terms/2017-5-30");
    CHECK(dir.caa_identities == std::vector<std::string>{"example.com"});
    CHECK_FALSE(dir.external_account_required);
    CHECK(dir.profiles == std::vector<std::string>{"classic", "shortlived"});
    CHECK_FALSE(dir.renewal_info);
}

TEST_CASE("a directory without newOrder is refused naming the member", "[unit]") {
    try {
        Directory::parse(R"({"newNonce":"a","newAccount":"b","revokeCert":"c"})", "https://ca/d");
        FAIL("no error");
    } catch (const hwacme::Error& e) {
        CHECK(e.code() == hwacme::Errc::Protocol);
        CHECK(std::string(e.what()).find("newOrder") != std::string::npos);
        CHECK(std::string(e.what()).find("https://ca/d") != std::string::npos);
    }
    CHECK_THROWS_AS(Directory::parse("<html>", "https://ca/d"), hwacme::Error);
}
