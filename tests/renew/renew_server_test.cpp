// --server (or HWACME_SERVER) names the CA of one run and wins over the configuration's, so an
// operator can rehearse or renew against another directory without editing the file.

#include <catch2/catch.hpp>

#include "tests/renew/renew_support.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;

TEST_CASE("renew --server overrides the configured CA directory", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-renew-server");
    const auto out = tmp / "out";
    auto config = write_config(tmp.path(), pebble,
                               {{.name = "site",
                                 .identifiers = {"site.example.com"},
                                 .key = "file:" + (tmp / "site-{generation}.pem").string(),
                                 .challenge = http01(pebble),
                                 .output_dir = out}});
    // Nothing listens on port 1: the configured CA is unreachable.
    const std::string unreachable = "https://127.0.0.1:1/dir";
    use_directory(config, pebble, unreachable);

    auto configured = run_configured(config, {"renew"});
    CHECK(configured.exit_code == 1);
    CHECK(configured.stderr_text.find("127.0.0.1:1") != std::string::npos);
    CHECK_FALSE(fs::exists(out / "current"));

    SECTION("on the command line") {
        auto given = run_configured(config, {"renew", "--server", pebble.directory_url()});
        INFO(given.stderr_text);
        REQUIRE(given.exit_code == 0);
        CHECK(check_live_pair(out) == "file:" + (tmp / "site-1.pem").string());
    }
    SECTION("from HWACME_SERVER, for a dry run that installs nothing") {
        auto rehearsed = run_configured(config, {"renew", "--dry-run"},
                                        {"HWACME_SERVER=" + pebble.directory_url()});
        INFO(rehearsed.stderr_text);
        REQUIRE(rehearsed.exit_code == 0);
        CHECK(rehearsed.stderr_text.find("dry run against " + pebble.directory_url()) !=
              std::string::npos);
        CHECK_FALSE(fs::exists(out / "current"));
    }
}
