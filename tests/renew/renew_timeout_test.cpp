// renew --timeout bounds the wait for validation: a web server that accepts the CA's validation
// request and never answers keeps the authorization pending, and the run gives up in time,
// saying what it waited for, with the renewal left pending for the next run.

#include <catch2/catch.hpp>

#include "tests/renew/renew_support.h"
#include "tests/support/process.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;

TEST_CASE("renew --timeout gives up on a validation that never ends", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-renew-timeout");
    const auto webroot = tmp / "www";
    fs::create_directories(webroot);
    // Accepts every validation connection (the CA may open more than one) and holds each open
    // without a reply: nc runs the script per connection, with the connection as its stdin and
    // stdout. Its output goes to a file, so a lingering `sleep` never holds the test's pipes.
    const auto hold = tmp / "hold.sh";
    write_text(hold, "#!/bin/sh\nexec sleep 10\n", 0755);
    ProcessOptions quiet;
    quiet.stdout_path = quiet.stderr_path = tmp / "nc.log";
    Process silent(
        {"busybox", "nc", "-ll", "-p", std::to_string(pebble.http_port()), "-e", hold.string()},
        quiet);
    auto config = write_config(tmp.path(), pebble,
                               {{.name = "slow",
                                 .identifiers = {"slow.example.com"},
                                 .key = "file:" + (tmp / "slow-{generation}.pem").string(),
                                 .challenge = {{"type", "http-01"}, {"webroot", webroot.string()}},
                                 .output_dir = tmp / "out"}});

    const auto started = std::chrono::steady_clock::now();
    auto result = run_configured(config, {"renew", "--timeout", "3"});
    const auto waited = std::chrono::steady_clock::now() - started;
    INFO(result.stderr_text);
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("timed out waiting for") != std::string::npos);
    CHECK(waited < std::chrono::seconds(60));
    CHECK_FALSE(fs::exists(tmp / "out" / "current"));
    auto slow = status_of(config)["slow"];
    CHECK(text(slow.at("last_error")).find("timed out waiting for") != std::string::npos);
    CHECK(text(slow.at("pending").at("order_url")).find("https://") == 0);
}
