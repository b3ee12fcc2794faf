#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

/// Root number `index` of the fixture's CA, saved as PEM; returns its path and commonName.
std::pair<fs::path, std::string> fetch_root(const PebbleFixture& pebble, const TempDir& tmp,
                                            int index) {
    auto path = tmp / ("root" + std::to_string(index) + ".pem");
    auto fetched =
        run_command({"curl", "-fsS", "--cacert", pebble.tls_ca_path().string(), "-o", path.string(),
                     pebble.management_url() + "/roots/" + std::to_string(index)});
    REQUIRE(fetched.exit_code == 0);
    auto subject = run_command(
        {"openssl", "x509", "-in", path.string(), "-noout", "-subject", "-nameopt", "multiline"});
    auto at = subject.stdout_text.find("commonName");
    REQUIRE(at != std::string::npos);
    auto value = subject.stdout_text.substr(subject.stdout_text.find("= ", at) + 2);
    return {path, value.substr(0, value.find('\n'))};
}

bool chain_verifies(const fs::path& root, const fs::path& out) {
    return run_command({"openssl", "verify", "-CAfile", root.string(), "-untrusted",
                        (out / "chain.pem").string(), (out / "cert.pem").string()})
               .exit_code == 0;
}

}  // namespace

TEST_CASE("the preferred chain option picks the CA's alternate chain up to the named root",
          "[pebble]") {
    PebbleOptions options;
    options.alternate_roots = 1;
    PebbleFixture pebble(options);
    TempDir tmp("hwacme-chains");
    auto [default_root, default_name] = fetch_root(pebble, tmp, 0);
    auto [alternate_root, alternate_name] = fetch_root(pebble, tmp, 1);
    REQUIRE(default_name != alternate_name);

    auto issue = [&](const std::string& out, std::vector<std::string> extra) {
        std::vector<std::string> args{"issue",
                                      "-d",
                                      "chain.example.com",
                                      "--key",
                                      "file:" + (tmp / "k.pem").string(),
                                      "--account-key",
                                      "file:" + (tmp / "acct.pem").string(),
                                      "--agree-tos",
                                      "--http-address",
                                      "127.0.0.1",
                                      "--http-port",
                                      std::to_string(pebble.http_port()),
                                      "--out",
                                      (tmp / out).string()};
        auto result = run_hwacme(join(join(args, ca_options(pebble, tmp)), extra));
        INFO(result.stderr_text);
        REQUIRE(result.exit_code == 0);
    };
    issue("default", {});
    CHECK(chain_verifies(default_root, tmp / "default"));
    CHECK_FALSE(chain_verifies(alternate_root, tmp / "default"));

    issue("preferred", {"--preferred-chain", alternate_name});
    CHECK(chain_verifies(alternate_root, tmp / "preferred"));
    CHECK_FALSE(chain_verifies(default_root, tmp / "preferred"));

    issue("unknown", {"--preferred-chain", "No Such Root"});
    CHECK(chain_verifies(default_root, tmp / "unknown"));
}
