#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>

#include "agent/acme/renewal_info.h"
#include "common/base64url.h"
#include "common/error.h"
#include "tests/ari/proxy_cli_support.h"

using namespace hwacme;
using namespace hwacme::test;
using namespace std::chrono_literals;

namespace {

Bytes hex_bytes(std::string hex) {
    std::erase_if(hex, [](char c) { return c == ':' || c == ' ' || c == '\n'; });
    Bytes bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

/// The RFC 9773 §4.1 id of a certificate file, from what the openssl tool prints of it: an
/// account of the id independent of the code under test.
std::string id_by_openssl(const std::filesystem::path& cert) {
    auto printed = run_command({"openssl", "x509", "-in", cert.string(), "-noout", "-serial",
                                "-ext", "authorityKeyIdentifier"});
    REQUIRE(printed.exit_code == 0);
    const auto& text = printed.stdout_text;
    auto serial_line = text.substr(text.find("serial=") + 7);
    Bytes serial = hex_bytes(serial_line.substr(0, serial_line.find('\n')));
    if (serial.front() & 0x80) serial.insert(serial.begin(), 0x00);
    auto aki_block = text.substr(text.find("Authority Key Identifier:"));
    aki_block = aki_block.substr(aki_block.find('\n') + 1);
    auto aki_line = aki_block.substr(0, aki_block.find('\n'));
    if (auto keyid = aki_line.find("keyid:"); keyid != std::string::npos)
        aki_line = aki_line.substr(keyid + 6);
    return base64url_encode(hex_bytes(aki_line)) + "." + base64url_encode(serial);
}

acme::RenewalInfo fetch_through(const TestOnlyAcmeProxy& proxy, const PebbleFixture& pebble,
                                const std::string& id) {
    http::ClientOptions http_options;
    http_options.ca_bundle = pebble.tls_ca_path().string();
    http::Client http(http_options);
    acme::Client acme(http, proxy.directory_url());
    auto info = acme::fetch_renewal_info(acme, id);
    REQUIRE(info);
    return *info;
}

std::chrono::sys_seconds utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
    return std::chrono::sys_days(std::chrono::year(y) / mo / d) + std::chrono::hours(h) +
           std::chrono::minutes(mi) + std::chrono::seconds(s);
}

}  // namespace

TEST_CASE("renewal-info prints the window that the test-only proxy serves for a certificate",
          "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, renewal_info_retry_after(7200));
    proxy.write_renewal_info(
        R"({"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-03T12:30:00Z"},)"
        R"("explanationURL":"https://ca.example/why-renew"})");
    TempDir tmp("hwacme-ari");
    // Pebble's own TLS certificate: a real certificate with an AKI, no account needed.
    auto cert = pebble.dir() / "server.pem";
    auto expected_id = id_by_openssl(cert);

    SECTION("as text") {
        auto result = run_hwacme(
            join({"renewal-info", "--cert", cert.string()}, proxy_options(proxy, pebble, tmp)));
        INFO(result.stderr_text);
        REQUIRE(result.exit_code == 0);
        const auto& out = result.stdout_text;
        CHECK(out.find("ari id:       " + expected_id + "\n") != std::string::npos);
        CHECK(out.find("window start: 2026-12-01T00:00:00Z\n") != std::string::npos);
        CHECK(out.find("window end:   2026-12-03T12:30:00Z\n") != std::string::npos);
        CHECK(out.find("explanation:  https://ca.example/why-renew\n") != std::string::npos);
        CHECK(out.find("(in 7200 s)") != std::string::npos);
        CHECK(proxy.renewal_info_ids() == std::vector<std::string>{expected_id});
    }
    SECTION("as JSON") {
        auto result = run_hwacme(join({"renewal-info", "--cert", cert.string(), "--json"},
                                      proxy_options(proxy, pebble, tmp)));
        INFO(result.stderr_text);
        REQUIRE(result.exit_code == 0);
        auto json = boost::json::parse(result.stdout_text).as_object();
        CHECK(json.at("id").as_string() == expected_id);
        CHECK(json.at("window_start").as_string() == "2026-12-01T00:00:00Z");
        CHECK(json.at("window_end").as_string() == "2026-12-03T12:30:00Z");
        CHECK(json.at("explanation_url").as_string() == "https://ca.example/why-renew");
        CHECK(json.at("retry_after_seconds").as_int64() == 7200);
    }
}

TEST_CASE("renewal-info against a CA without renewalInfo fails in one line", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-ari-none");
    auto result =
        run_hwacme({"renewal-info", "--cert", (pebble.dir() / "server.pem").string(), "--server",
                    pebble.directory_url(), "--ca-bundle", pebble.tls_ca_path().string(),
                    "--state-dir", (tmp / "state").string()});
    CHECK(result.exit_code == 1);
    CHECK(result.stdout_text.empty());
    CHECK(result.stderr_text.find("hwacme: ") == 0);
    CHECK(result.stderr_text.find("no renewalInfo") != std::string::npos);
    CHECK(result.stderr_text.find('\n') == result.stderr_text.size() - 1);
}

TEST_CASE("renewal information windows are parsed as RFC 3339 and bad ones refused", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, renewal_info_retry_after(600));
    auto cert = read_certificate(pebble.dir() / "server.pem");
    auto id = acme::ari_certificate_id(cert.get());

    SECTION("offsets and fractions of seconds") {
        proxy.write_renewal_info(R"({"suggestedWindow":{"start":"2026-12-01T02:00:00.123+02:00",)"
                                 R"("end":"2026-12-02t00:00:00.5z"}})");
        auto info = fetch_through(proxy, pebble, id);
        CHECK(info.window_start == utc(2026, 12, 1, 0, 0, 0));
        CHECK(info.window_end == utc(2026, 12, 2, 0, 0, 0));
        CHECK_FALSE(info.explanation_url);
        CHECK(info.retry_after == 600s);
        CHECK(proxy.renewal_info_ids().back() == id);
    }
    SECTION("an end before the start") {
        proxy.write_renewal_info(R"({"suggestedWindow":{"start":"2026-12-02T00:00:00Z",)"
                                 R"("end":"2026-12-01T00:00:00Z"}})");
        CHECK_THROWS_WITH(fetch_through(proxy, pebble, id),
                          Catch::Contains("ends before it starts"));
    }
    SECTION("a time that is not RFC 3339") {
        proxy.write_renewal_info(R"({"suggestedWindow":{"start":"1 December 2026",)"
                                 R"("end":"2026-12-01T00:00:00Z"}})");
        CHECK_THROWS_WITH(fetch_through(proxy, pebble, id),
                          Catch::Contains("suggestedWindow.start"));
    }
    SECTION("an error answer") {
        // Nothing written: the proxy answers 404 with a problem document.
        CHECK_THROWS_WITH(fetch_through(proxy, pebble, id), Catch::Contains("failed: malformed"));
    }
}

TEST_CASE("renewal information Retry-After is kept between a minute and a day", "[pebble]") {
    PebbleFixture pebble;
    auto cert = read_certificate(pebble.dir() / "server.pem");
    auto id = acme::ari_certificate_id(cert.get());
    const std::string window = R"({"suggestedWindow":{"start":"2026-12-01T00:00:00Z",)"
                               R"("end":"2026-12-02T00:00:00Z"}})";
    struct Case {
        std::optional<long> sent;
        std::chrono::seconds used;
    };
    for (auto [sent, used] : {Case{5, 60s}, Case{3 * 86400, 86400s}, Case{std::nullopt, 6h}}) {
        INFO("Retry-After " << (sent ? std::to_string(*sent) : "absent"));
        TestOnlyAcmeProxy proxy(pebble, renewal_info_retry_after(sent));
        proxy.write_renewal_info(window);
        CHECK(fetch_through(proxy, pebble, id).retry_after == used);
    }
}
