// A CA, or whoever answers in its name, misbehaving on purpose (the test-only proxy's mischief
// in front of a real Pebble): each run ends in bounded time and memory with exit 1, a one-line
// error naming the cause, nothing published and nothing sent where it must not go.

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "tests/ari/proxy_cli_support.h"

using namespace hwacme::test;
using namespace std::chrono_literals;

namespace {

const std::string kDnsHook = std::string(HWACME_SOURCE_DIR) + "/tests/cli/challtestsrv-dns-hook";

TestOnlyAcmeProxyOptions misbehaving(std::string mischief) {
    TestOnlyAcmeProxyOptions options;
    options.mischief = std::move(mischief);
    return options;
}

/// `account register` through the proxy: the first request that reads the directory.
CommandResult register_through(const TestOnlyAcmeProxy& proxy, const PebbleFixture& pebble,
                               const TempDir& tmp) {
    return run_hwacme(join({"account", "register", "--account-key",
                            "file:" + (tmp / "account.pem").string(), "--agree-tos"},
                           proxy_options(proxy, pebble, tmp)));
}

void check_one_line_failure(const CommandResult& result, const std::string& cause) {
    INFO(result.stderr_text);
    CHECK(result.exit_code == 1);
    CHECK_THAT(last_line(result.stderr_text), Catch::StartsWith("hwacme: "));
    CHECK_THAT(last_line(result.stderr_text), Catch::Contains(cause));
}

}  // namespace

TEST_CASE("a directory body past 1 MiB is cut off there and nothing is registered", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, misbehaving("huge-directory"));
    TempDir tmp("hwacme-hostile-body");
    auto result = register_through(proxy, pebble, tmp);
    check_one_line_failure(result, "is larger than 1024 KiB, the most hwacme reads from a server");
    // The proxy sends 32 MiB. Measured against the same registration at the honest CA, so that
    // the bound holds in a sanitizer build too, whose own overhead is most of its memory.
    TempDir honest_tmp("hwacme-honest-body");
    auto honest = run_hwacme(
        {"--server", pebble.directory_url(), "--ca-bundle", pebble.tls_ca_path().string(),
         "--state-dir", (honest_tmp / "state").string(), "account", "register", "--account-key",
         "file:" + (honest_tmp / "account.pem").string(), "--agree-tos"});
    REQUIRE(honest.exit_code == 0);
    INFO("peak resident set " << result.max_rss_kib << " KiB, at the honest CA "
                              << honest.max_rss_kib << " KiB");
    CHECK(result.max_rss_kib < honest.max_rss_kib + 16 * 1024);
    CHECK_FALSE(std::filesystem::exists(tmp / "account.pem"));
    CHECK_FALSE(std::filesystem::exists(tmp / "state" / "accounts"));
}

TEST_CASE("an answer with more than 64 KiB of headers is refused", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, misbehaving("header-flood"));
    TempDir tmp("hwacme-hostile-headers");
    check_one_line_failure(register_through(proxy, pebble, tmp),
                           "are larger than 64 KiB, the most hwacme reads from a server");
    CHECK_FALSE(std::filesystem::exists(tmp / "account.pem"));
}

TEST_CASE("an http:// URL from an https directory gets no request at all", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, misbehaving("plain-http-new-order"));
    TempDir tmp("hwacme-hostile-http");
    auto result = issue_through(proxy, pebble, tmp, "plain.example.com", "out");
    check_one_line_failure(result, "the CA gave its newOrder URL 'http://");
    CHECK_THAT(last_line(result.stderr_text), Catch::Contains("which is not https"));
    CHECK(proxy.new_orders().empty());
    CHECK_FALSE(std::filesystem::exists(tmp / "out"));
}

TEST_CASE("an authorization for a name nobody ordered stops the order before any hook runs",
          "[pebble]") {
    PebbleFixture pebble;
    auto [mischief, shown] = GENERATE(
        std::pair<std::string, std::string>{"unordered-authorization", "dns:victim.example.org,"},
        std::pair<std::string, std::string>{
            "injected-authorization",
            "dns:victim.example.org\\x0aupdate delete example.org A\\x0asend,"});
    INFO(mischief);
    TestOnlyAcmeProxy proxy(pebble, misbehaving(mischief));
    TempDir tmp("hwacme-hostile-authz");
    const auto hook_log = tmp / "hook.log";
    auto result = run_hwacme(
        join({"issue", "-d", "ordered.example.com", "--key",
              "file:" + (tmp / "cert-key.pem").string(), "--account-key",
              "file:" + (tmp / "account.pem").string(), "--agree-tos", "--challenge", "dns-01",
              "--dns-hook", kDnsHook, "--out", (tmp / "out").string()},
             proxy_options(proxy, pebble, tmp)),
        {"HOOK_LOG=" + hook_log.string(), "CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url()});
    check_one_line_failure(result, "is for " + shown.substr(0, shown.size() - 1));
    CHECK_THAT(last_line(result.stderr_text),
               Catch::Contains("does not name (dns:ordered.example.com)"));
    CHECK_THAT(result.stderr_text, !Catch::Contains("\nupdate delete"));
    CHECK_FALSE(std::filesystem::exists(hook_log));
    CHECK_FALSE(std::filesystem::exists(tmp / "out"));
}

TEST_CASE("a problem detail with terminal escapes reaches the terminal escaped", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, misbehaving("terminal-escapes"));
    TempDir tmp("hwacme-hostile-escapes");
    auto result =
        issue_through(proxy, pebble, tmp, "escapes.example.com", "out", {"--verbose", "--json"});
    check_one_line_failure(result, "\\x1b[2J\\x1b[Hall is well, nothing to see\\x07");
    for (char control : {'\x1b', '\x07', '\x9b'}) {
        CHECK(result.stderr_text.find(control) == std::string::npos);
        CHECK(result.stdout_text.find(control) == std::string::npos);
    }
}

TEST_CASE("issue stops at its --timeout when the CA never answers a request", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, misbehaving("silent-nonce"));
    TempDir tmp("hwacme-hostile-silent");
    auto started = std::chrono::steady_clock::now();
    auto result =
        issue_through(proxy, pebble, tmp, "silent.example.com", "out", {"--timeout", "3"});
    auto took = std::chrono::steady_clock::now() - started;
    check_one_line_failure(result, "the time allowed for this run ran out during HEAD");
    // libcurl's own limit for one request is 60 s; the run's 3 s must win, with start-up slack.
    CHECK(took < 15s);
    CHECK_FALSE(std::filesystem::exists(tmp / "out"));
}

TEST_CASE("a CA directory over plain http is refused unless it is on loopback", "[unit]") {
    TempDir tmp("hwacme-http-directory");
    auto refused = run_hwacme({"--server", "http://acme.example/dir", "--state-dir",
                               (tmp / "state").string(), "account", "show"});
    INFO(refused.stderr_text);
    CHECK(refused.exit_code == 1);
    CHECK_THAT(last_line(refused.stderr_text),
               Catch::Contains("'http://acme.example/dir' is not an https:// URL"));

    auto config = tmp / "hwacme.json";
    std::ofstream(config) << R"({"ca":{"directory":"http://acme.example/dir"},"certificates":[]})";
    auto checked = run_hwacme({"--config", config.string(), "config", "check"});
    INFO(checked.stderr_text);
    CHECK(checked.exit_code != 0);
    CHECK_THAT(checked.stderr_text, Catch::Contains("is not an https:// URL"));
}
