#include <catch2/catch.hpp>
#include <regex>

#include "agent/acme/account.h"
#include "agent/acme/order.h"
#include "agent/signing/key_signer.h"
#include "common/error.h"
#include "keystore/file_keystore.h"
#include "keystore/registry.h"
#include "tests/ari/proxy_cli_support.h"

using namespace hwacme;
using namespace hwacme::test;

namespace {

// "retry after 2026-11-28T16:20:00Z (3600 s)": an RFC 3339 UTC time and the delay.
const std::regex kRetryAfter3600(R"(retry after \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(3600 s\))");

}  // namespace

TEST_CASE("a newOrder answered 503 or rateLimited with Retry-After 1 is waited out", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-limits");
    for (int status : {503, 429}) {
        INFO("HTTP " << status);
        TestOnlyAcmeProxy proxy(pebble, failing_new_orders(1, status, 1));
        auto out = "out-" + std::to_string(status);
        auto issued = issue_through(proxy, pebble, tmp, "limits.example.com", out);
        INFO(issued.stderr_text);
        CHECK(issued.exit_code == 0);
        CHECK(std::filesystem::exists(tmp / out / "cert.pem"));
        CHECK(issued.stderr_text.find("waiting 1 s as the CA asks") != std::string::npos);
        // The refused newOrder, then the one that Pebble answered.
        auto orders = proxy.new_orders();
        REQUIRE(orders.size() == 2);
        CHECK(orders[0] == orders[1]);
    }
}

TEST_CASE("a newOrder answered with Retry-After 3600 stops at once and names the retry time",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-limits-long");

    SECTION("rateLimited") {
        TestOnlyAcmeProxy proxy(pebble, failing_new_orders(1, 429, 3600));
        auto result = issue_through(proxy, pebble, tmp, "limited.example.com", "out");
        CHECK(result.exit_code == 1);
        auto error = last_line(result.stderr_text);
        INFO(result.stderr_text);
        CHECK(error.find("hwacme: ") == 0);
        CHECK(error.find("rateLimited") != std::string::npos);
        CHECK(error.find("too many new orders") != std::string::npos);
        CHECK(std::regex_search(error, kRetryAfter3600));
        CHECK(proxy.new_orders().size() == 1);
        CHECK_FALSE(std::filesystem::exists(tmp / "out"));
    }
    SECTION("503") {
        TestOnlyAcmeProxy proxy(pebble, failing_new_orders(1, 503, 3600));
        auto result = issue_through(proxy, pebble, tmp, "unavailable.example.com", "out");
        CHECK(result.exit_code == 1);
        auto error = last_line(result.stderr_text);
        INFO(result.stderr_text);
        CHECK(error.find("hwacme: ") == 0);
        CHECK(error.find("unavailable (HTTP 503)") != std::string::npos);
        CHECK(std::regex_search(error, kRetryAfter3600));
        CHECK(proxy.new_orders().size() == 1);
    }
}

TEST_CASE("acme::Client waits no longer in total than its bound for one request", "[pebble]") {
    PebbleFixture pebble;
    // Five refusals a second apart: a client bound to 2 s waits out two and gives up at the third.
    TestOnlyAcmeProxy proxy(pebble, failing_new_orders(5, 429, 1));
    TempDir tmp("hwacme-limits-bound");
    keystore::Registry registry;
    registry.add("file", keystore::open_file_keystore);
    auto key = keystore::open_or_generate_key(
        registry, keystore::KeyUri::parse("file:" + (tmp / "account.pem").string()),
        keystore::KeyType::EcP256, {});
    http::ClientOptions http_options;
    http_options.ca_bundle = pebble.tls_ca_path().string();
    http::Client http(http_options);
    acme::Client acme(http, proxy.directory_url(), std::chrono::seconds(2));
    const signing::KeySigner signer(*key);
    auto account = acme::register_account(acme, signer, {}, true);
    acme::AccountSession session(acme, signer, account.url);
    try {
        acme::new_order(session, {{"dns", "bound.example.com"}});
        FAIL("newOrder succeeded through five refusals");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Protocol);
        std::string message = e.what();
        CHECK(message.find("rateLimited") != std::string::npos);
        CHECK(message.find("(1 s), after waiting 2 s already") != std::string::npos);
    }
    CHECK(proxy.new_orders().size() == 3);
}

TEST_CASE("a Retry-After of 1 s then of int64 seconds or a date in 9999 stops at once, a day named",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-limits-overflow");
    // Waited 1 s, then 1 s + 2^63 s overflowed the sum and passed for a short wait: hwacme slept
    // for ever. Clamped to a day, the second answer is beyond any bound and named as such.
    for (const std::string far : {"9223372036854775807", "Fri, 31 Dec 9999 23:59:59 GMT"}) {
        INFO("Retry-After: " << far);
        TestOnlyAcmeProxyOptions options;
        options.fail_new_order = 2;
        options.fail_status = 503;
        options.fail_retry_after = {"1", far};
        TestOnlyAcmeProxy proxy(pebble, options);
        auto started = std::chrono::steady_clock::now();
        auto result = issue_through(proxy, pebble, tmp, "overflow.example.com", "out");
        auto took = std::chrono::steady_clock::now() - started;
        INFO(result.stderr_text);
        CHECK(result.exit_code == 1);
        // The bound of this test: the one second asked first, plus an issuance's set-up.
        CHECK(took < std::chrono::seconds(30));
        auto error = last_line(result.stderr_text);
        CHECK(error.find("unavailable (HTTP 503)") != std::string::npos);
        CHECK(error.find("(86400 s), after waiting 1 s already") != std::string::npos);
        CHECK(proxy.new_orders().size() == 2);
        CHECK_FALSE(std::filesystem::exists(tmp / "out"));
    }
}
