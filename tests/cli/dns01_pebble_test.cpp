#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/pebble_fixture.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

const std::string kHook = std::string(HWACME_SOURCE_DIR) + "/tests/cli/challtestsrv-dns-hook";

std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::string> dns01_issue(const PebbleFixture& pebble, const TempDir& tmp,
                                     const std::vector<std::string>& names) {
    std::vector<std::string> args{"issue"};
    for (const auto& name : names) args.insert(args.end(), {"-d", name});
    args.insert(
        args.end(),
        {"--key", "file:" + (tmp / "k.pem").string(), "--account-key",
         "file:" + (tmp / "acct.pem").string(), "--agree-tos", "--challenge", "dns-01",
         "--dns-hook", kHook, "--out", (tmp / "out").string(), "--server", pebble.directory_url(),
         "--ca-bundle", pebble.tls_ca_path().string(), "--state-dir", (tmp / "state").string()});
    return args;
}

}  // namespace

TEST_CASE("dns-01 through a hook issues a wildcard plus apex certificate", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-dns01");
    auto log = tmp / "hook.log";
    auto result = run_hwacme(
        dns01_issue(pebble, tmp, {"*.wild.example.com", "wild.example.com"}),
        {"CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url(), "HOOK_LOG=" + log.string()});
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    auto sans = run_command({"openssl", "x509", "-in", (tmp / "out" / "cert.pem").string(),
                             "-noout", "-ext", "subjectAltName"});
    CHECK(sans.stdout_text.find("DNS:*.wild.example.com") != std::string::npos);
    CHECK(sans.stdout_text.find("DNS:wild.example.com") != std::string::npos);
    auto verified = run_command(
        {"openssl", "verify", "-CAfile", pebble.issuing_root_path().string(), "-untrusted",
         (tmp / "out" / "chain.pem").string(), (tmp / "out" / "cert.pem").string()});
    CHECK(verified.exit_code == 0);
    // Both authorizations publish at the same name; both records are removed afterwards.
    auto calls = slurp(log);
    CHECK(calls.find("add _acme-challenge.wild.example.com ") != std::string::npos);
    CHECK(calls.find("remove _acme-challenge.wild.example.com ") != std::string::npos);
    CHECK(calls.find("wild.example.com.") == std::string::npos);
}

TEST_CASE("a wildcard name without dns-01 is refused before any order", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-dns01");
    auto result =
        run_hwacme({"issue", "-d", "*.example.com", "--key", "file:" + (tmp / "k.pem").string(),
                    "--account-key", "file:" + (tmp / "acct.pem").string(), "--agree-tos",
                    "--http-port", std::to_string(pebble.http_port()), "--out",
                    (tmp / "out").string(), "--server", pebble.directory_url(), "--ca-bundle",
                    pebble.tls_ca_path().string(), "--state-dir", (tmp / "state").string()});
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("only be validated with dns-01") != std::string::npos);
}

TEST_CASE("a failing dns-01 hook stops the issuance with its exit code", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-dns01");
    auto result =
        run_hwacme(dns01_issue(pebble, tmp, {"fail.example.com"}),
                   {"CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url(), "HOOK_FAIL_ADD=1"});
    CHECK(result.exit_code == 1);
    CHECK(
        result.stderr_text.find("failed to add _acme-challenge.fail.example.com (exit status 3)") !=
        std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "out"));
}

TEST_CASE("the dns-01 hook removes its record even when validation fails", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-dns01");
    auto log = tmp / "hook.log";
    auto result = run_hwacme(dns01_issue(pebble, tmp, {"wrong.example.com"}),
                             {"CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url(),
                              "HOOK_LOG=" + log.string(), "HOOK_PUBLISH_WRONG_VALUE=1"});
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("wrong.example.com") != std::string::npos);
    CHECK(slurp(log).find("remove _acme-challenge.wrong.example.com") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "out"));
}

TEST_CASE("a DNS hook that never returns is stopped at the issuance's --timeout", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-dns01-hang");
    const auto hook = tmp / "hanging-hook";
    std::ofstream(hook) << "#!/bin/sh\n[ \"$1\" = add ] && exec sleep 3600\nexit 0\n";
    fs::permissions(hook, fs::perms::owner_all);
    auto args = dns01_issue(pebble, tmp, {"hang.example.com"});
    std::replace(args.begin(), args.end(), kHook, hook.string());
    args.insert(args.end(), {"--timeout", "3"});
    auto started = std::chrono::steady_clock::now();
    auto result = run_hwacme(args);
    auto took = std::chrono::steady_clock::now() - started;
    INFO(result.stderr_text);
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("failed to add _acme-challenge.hang.example.com (still running "
                                  "at its deadline (killed))") != std::string::npos);
    // 3 s, two of grace for SIGTERM, and start-up; without the deadline it waits an hour.
    CHECK(took < std::chrono::seconds(20));
    CHECK_FALSE(fs::exists(tmp / "out"));
}
