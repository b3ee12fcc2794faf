#include <signal.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <optional>

#include "tests/support/pebble_fixture.h"
#include "tests/support/process.h"
#include "tests/support/slurp.h"

using hwacme::test::PebbleFixture;
using hwacme::test::PebbleOptions;
using hwacme::test::run_command;
using hwacme::test::slurp;

namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

std::string fetch_directory(const PebbleFixture& pebble) {
    auto fetched = run_command(
        {"curl", "-fsS", "--cacert", pebble.tls_ca_path().string(), pebble.directory_url()});
    INFO(fetched.stderr_text);
    REQUIRE(fetched.exit_code == 0);
    return fetched.stdout_text;
}

std::string local_pebble() {
    return std::string(HWACME_SOURCE_DIR) + "/scripts/local-pebble";
}

}  // namespace

TEST_CASE("Pebble serves an ACME directory over TLS trusted by tls_ca_path", "[pebble]") {
    PebbleFixture pebble;
    auto directory = fetch_directory(pebble);
    CHECK_THAT(directory, Catch::Contains("\"newNonce\""));
    CHECK_THAT(directory, Catch::Contains("\"newAccount\""));
    CHECK_THAT(directory, Catch::Contains("\"newOrder\""));
    CHECK_THAT(directory, Catch::Contains("\"externalAccountRequired\": false"));
    CHECK_THAT(pebble.directory_url(), Catch::StartsWith("https://127.0.0.1:"));
    CHECK(pebble.http_port() > 0);
    CHECK(pebble.tls_port() > 0);
    CHECK(pebble.http_port() != pebble.tls_port());
}

TEST_CASE("issuing_root_path holds Pebble's current root as a PEM certificate", "[pebble]") {
    PebbleFixture pebble;
    auto parsed = run_command(
        {"openssl", "x509", "-in", pebble.issuing_root_path().string(), "-noout", "-subject"});
    INFO(parsed.stderr_text);
    CHECK(parsed.exit_code == 0);
    CHECK_THAT(parsed.stdout_text, Catch::Contains("Pebble Root CA"));
    auto live_root = run_command({"curl", "-fsS", "--cacert", pebble.tls_ca_path().string(),
                                  pebble.management_url() + "/roots/0"});
    CHECK(live_root.stdout_text == slurp(pebble.issuing_root_path()));
}

TEST_CASE("Pebble, challtestsrv and the directory are gone after the fixture", "[pebble]") {
    std::optional<PebbleFixture> pebble(std::in_place);
    pid_t pebble_pid = pebble->pebble_pid();
    pid_t challtestsrv_pid = pebble->challtestsrv_pid();
    auto dir = pebble->dir();
    REQUIRE(::kill(pebble_pid, 0) == 0);
    REQUIRE(::kill(challtestsrv_pid, 0) == 0);
    pebble.reset();
    CHECK(::kill(pebble_pid, 0) == -1);
    CHECK(errno == ESRCH);
    CHECK(::kill(challtestsrv_pid, 0) == -1);
    CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("set_txt and clear_txt reach challtestsrv", "[pebble]") {
    PebbleFixture pebble;
    pebble.set_txt("_acme-challenge.example.com", "token-digest");
    pebble.clear_txt("_acme-challenge.example.com.");
    auto log = slurp(pebble.dir() / "challtestsrv.log");
    CHECK_THAT(log, Catch::Contains("Added DNS-01 TXT challenge for Host "
                                    "\"_acme-challenge.example.com.\" - Value \"token-digest\""));
    CHECK_THAT(log, Catch::Contains("Removed DNS-01 TXT challenge for Host "
                                    "\"_acme-challenge.example.com.\""));
}

TEST_CASE("options reach Pebble: nonce rejection, alternate roots, EAB", "[pebble]") {
    PebbleOptions options;
    options.nonce_reject_percent = 0;
    options.alternate_roots = 1;
    options.eab_kid = "kid-1";
    options.eab_key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    PebbleFixture pebble(options);
    CHECK_THAT(fetch_directory(pebble), Catch::Contains("\"externalAccountRequired\": true"));
    auto log = slurp(pebble.dir() / "pebble.log");
    CHECK_THAT(log, Catch::Contains("reject 0% of good nonces"));
    // One alternate chain means a second root.
    CHECK(count_of(log, "Generated new root issuer") == 2);
}

TEST_CASE("local-pebble names the Debian package of a missing tool", "[unit]") {
    auto dir = std::filesystem::temp_directory_path() / "hwacme-pebble-missing-tool";
    auto started =
        run_command({"/bin/bash", local_pebble(), "start", dir.string()}, {"PATH=/nonexistent"});
    CHECK(started.exit_code == 1);
    CHECK(started.stderr_text == "local-pebble: pebble not found: apt-get install pebble\n");
    CHECK_FALSE(std::filesystem::exists(dir));
}
