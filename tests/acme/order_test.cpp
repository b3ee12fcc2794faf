#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "agent/acme/order.h"
#include "agent/acme/poll_backoff.h"
#include "agent/acme/revocation.h"
#include "common/error.h"

using namespace hwacme::acme;

TEST_CASE("names become dns identifiers and IP literals ip identifiers", "[unit]") {
    CHECK(identifier_for("example.com") == Identifier{"dns", "example.com"});
    CHECK(identifier_for("127.0.0.1") == Identifier{"ip", "127.0.0.1"});
    CHECK(identifier_for("::1") == Identifier{"ip", "::1"});
    CHECK(identifier_for("*.example.com") == Identifier{"dns", "*.example.com"});
}

TEST_CASE("an RFC 8555 §7.1.4 authorization parses with its challenges", "[unit]") {
    auto json = boost::json::parse(R"({
        "status": "pending",
        "identifier": {"type": "dns", "value": "www.example.org"},
        "challenges": [
            {"type": "http-01", "url": "https://example.com/acme/chall/prV_B7yEyA4",
             "status": "pending", "token": "DGyRejmCefe7v4NfDGDKfA"},
            {"type": "dns-01", "url": "https://example.com/acme/chall/Rg5dV14Gh1Q",
             "status": "pending", "token": "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"}
        ],
        "wildcard": false})");
    auto authz = Authorization::parse(json.as_object(), "https://example.com/acme/authz/1");
    CHECK(authz.identifier == Identifier{"dns", "www.example.org"});
    CHECK(authz.status == "pending");
    REQUIRE(authz.challenge("http-01"));
    CHECK(authz.challenge("http-01")->token == "DGyRejmCefe7v4NfDGDKfA");
    CHECK_FALSE(authz.challenge("tls-alpn-01"));
}

TEST_CASE("an invalid order keeps its error", "[unit]") {
    auto json = boost::json::parse(R"({
        "status": "invalid", "finalize": "https://ca/finalize/1",
        "identifiers": [{"type":"dns","value":"a.example"}],
        "authorizations": ["https://ca/authz/1"],
        "error": {"type":"urn:ietf:params:acme:error:badCSR","detail":"key too small"}})");
    auto order = Order::parse(json.as_object(), "https://ca/order/1");
    CHECK(order.status == "invalid");
    REQUIRE(order.error);
    CHECK(order.error->is("badCSR"));
    CHECK(order.authorizations == std::vector<std::string>{"https://ca/authz/1"});
    CHECK_FALSE(order.certificate);
}

TEST_CASE("polling starts in tens of milliseconds and doubles up to two seconds", "[unit]") {
    PollBackoff backoff("a test", std::chrono::steady_clock::now() + std::chrono::seconds(10));
    CHECK(backoff.next_step() == std::chrono::milliseconds(25));
    backoff.wait(std::nullopt);
    CHECK(backoff.next_step() == std::chrono::milliseconds(50));
    PollBackoff impatient("the CA",
                          std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
    try {
        impatient.wait(std::chrono::seconds(5));
        FAIL("no timeout");
    } catch (const hwacme::Error& e) {
        CHECK(std::string(e.what()) == "timed out waiting for the CA");
    }
}

TEST_CASE("a Retry-After of 0 is waited as a second, and no Retry-After overflows the deadline",
          "[unit]") {
    PollBackoff backoff("a test", std::chrono::steady_clock::now() + std::chrono::seconds(10));
    auto start = std::chrono::steady_clock::now();
    backoff.wait(std::chrono::seconds(0));
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(1000));
    // Past the int64 nanoseconds of a steady_clock time point when added to now.
    PollBackoff far("the CA", std::chrono::steady_clock::now() + std::chrono::seconds(5));
    CHECK_THROWS_WITH(far.wait(std::chrono::seconds(18446744074LL)),
                      "timed out waiting for the CA");
    CHECK_THROWS_WITH(far.wait(std::chrono::seconds::max() / 1000), "timed out waiting for the CA");
}

TEST_CASE("revocation reasons are taken by RFC 5280 name or number", "[unit]") {
    CHECK(parse_revocation_reason("keyCompromise") == 1);
    CHECK(parse_revocation_reason("superseded") == 4);
    CHECK(parse_revocation_reason("9") == 9);
    CHECK_THROWS_WITH(parse_revocation_reason("7"), Catch::Contains("unknown revocation reason"));
    CHECK_THROWS_WITH(parse_revocation_reason("stolen"), Catch::Contains("keyCompromise"));
}
