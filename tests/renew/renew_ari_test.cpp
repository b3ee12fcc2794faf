// `hwacme renew` with a CA that offers renewalInfo (RFC 9773): Pebble 2.4 has none, so the
// test-only proxy of tests/ari adds it. The CA's suggested window decides when a certificate is
// due, and the renewal's newOrder names the certificate it replaces.

#include <catch2/catch.hpp>
#include <ctime>

#include "tests/ari/test_only_acme_proxy_fixture.h"
#include "tests/renew/renew_support.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;
using namespace std::chrono_literals;

namespace {

std::string utc_text(std::chrono::system_clock::time_point time) {
    std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

/// Serves a suggested window from `start` to `end` for every certificate.
void serve_window(const TestOnlyAcmeProxy& proxy, const std::string& start,
                  const std::string& end) {
    proxy.write_renewal_info(R"({"suggestedWindow":{"start":")" + start + R"(","end":")" + end +
                             R"("}})");
}

}  // namespace

TEST_CASE("the CA's renewalInfo window decides the renewal and the order names what it replaces",
          "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble);
    TempDir tmp("hwacme-renew-ari");
    auto now = std::chrono::system_clock::now();
    // A window that is over already: the certificate is due as soon as it is issued.
    const auto past_start = utc_text(now - 2h), past_end = utc_text(now - 1h);
    serve_window(proxy, past_start, past_end);
    auto config = write_config(tmp.path(), pebble,
                               {{.name = "ari",
                                 .identifiers = {"ari.example.com"},
                                 .key = "file:" + (tmp / "ari-{generation}.pem").string(),
                                 .challenge = http01(pebble),
                                 .output_dir = tmp / "out"}});
    use_directory(config, pebble, proxy.directory_url());

    auto first = run_configured(config, {"renew"});
    INFO("first renew stderr: " << first.stderr_text);
    REQUIRE(first.exit_code == 0);
    REQUIRE(proxy.new_orders().size() == 1);
    CHECK_FALSE(proxy.new_orders()[0].contains("replaces"));
    auto issued = status_of(config)["ari"];
    auto first_id = text(issued.at("current").at("ari_id"));
    CHECK_FALSE(first_id.empty());
    auto renew_at = text(issued.at("renew_at"));
    CHECK(renew_at >= past_start);
    CHECK(renew_at <= past_end);
    CHECK(issued.at("due").as_bool());
    CHECK(text(issued.at("reason")) == "due since " + renew_at);

    // The CA moves the window into the future; the run due by the old window renews, names the
    // certificate it replaces, and takes the new window for the new certificate.
    const auto future_start = utc_text(now + 24h * 10), future_end = utc_text(now + 24h * 11);
    serve_window(proxy, future_start, future_end);
    auto second = run_configured(config, {"renew"});
    INFO("second renew stderr: " << second.stderr_text);
    REQUIRE(second.exit_code == 0);
    CHECK(second.stdout_text.find("ari: renewed") != std::string::npos);
    auto orders = proxy.new_orders();
    REQUIRE(orders.size() == 2);
    CHECK(text(orders[1].at("replaces")) == first_id);

    auto renewed = status_of(config)["ari"];
    CHECK(text(renewed.at("current").at("ari_id")) != first_id);
    renew_at = text(renewed.at("renew_at"));
    CHECK(renew_at >= future_start);
    CHECK(renew_at <= future_end);
    CHECK_FALSE(renewed.at("due").as_bool());

    auto third = run_configured(config, {"renew"});
    REQUIRE(third.exit_code == 0);
    CHECK(third.stdout_text.find("ari: not due (next renewal at " + renew_at + ")") !=
          std::string::npos);
    CHECK(proxy.new_orders().size() == orders.size());
}

TEST_CASE("a renewalInfo window that starts after the certificate expires is not believed",
          "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble);
    TempDir tmp("hwacme-renew-ari-late");
    // Pebble's certificates live five years; fifty years from now is past any of them.
    auto now = std::chrono::system_clock::now();
    serve_window(proxy, utc_text(now + 24h * 365 * 50), utc_text(now + 24h * 365 * 51));
    auto config = write_config(tmp.path(), pebble,
                               {{.name = "late",
                                 .identifiers = {"late.example.com"},
                                 .key = "file:" + (tmp / "late-{generation}.pem").string(),
                                 .challenge = http01(pebble),
                                 .output_dir = tmp / "out"}});
    use_directory(config, pebble, proxy.directory_url());

    auto issued = run_configured(config, {"renew"});
    INFO("renew stderr: " << issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK_THAT(issued.stderr_text, Catch::Contains("late: not believing the CA's renewal window"));
    CHECK_THAT(issued.stderr_text, Catch::Contains("renewing by the certificate's lifetime"));
    auto state = status_of(config)["late"];
    auto not_before = text(state.at("current").at("not_before"));
    auto not_after = text(state.at("current").at("not_after"));
    auto renew_at = text(state.at("renew_at"));
    INFO("valid " << not_before << " to " << not_after << ", renew at " << renew_at);
    // The lifetime rule: when a third of the lifetime is left, less up to 1/30 of jitter.
    CHECK(renew_at > not_before);
    CHECK(renew_at < not_after);
    CHECK_FALSE(state.at("due").as_bool());
}
