#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

std::string subject_alt_names(const fs::path& cert) {
    auto result =
        run_command({"openssl", "x509", "-in", cert.string(), "-noout", "-ext", "subjectAltName"});
    REQUIRE(result.exit_code == 0);
    return result.stdout_text;
}

/// Issues for `names` with `challenge_args` from the fixture's CA; returns the output folder.
fs::path issue(const PebbleFixture& pebble, const TempDir& tmp,
               const std::vector<std::string>& names,
               const std::vector<std::string>& challenge_args) {
    std::vector<std::string> args{"issue"};
    for (const auto& name : names) args.insert(args.end(), {"-d", name});
    args.insert(args.end(), challenge_args.begin(), challenge_args.end());
    args.insert(args.end(), {"--key", "file:" + (tmp / "k.pem").string(), "--account-key",
                             "file:" + (tmp / "acct.pem").string(), "--agree-tos", "--out",
                             (tmp / "out").string()});
    auto result = run_hwacme(join(args, ca_options(pebble, tmp)));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return tmp / "out";
}

void check_chain(const PebbleFixture& pebble, const fs::path& out) {
    auto verified =
        run_command({"openssl", "verify", "-CAfile", pebble.issuing_root_path().string(),
                     "-untrusted", (out / "chain.pem").string(), (out / "cert.pem").string()});
    INFO(verified.stderr_text);
    CHECK(verified.exit_code == 0);
}

}  // namespace

TEST_CASE("tls-alpn-01 certifies a DNS name and an IP address with the built-in responder",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-alpn");
    auto out = issue(pebble, tmp, {"alpn.example.com", "127.0.0.1"},
                     {"--challenge", "tls-alpn-01", "--listen-address", "127.0.0.1", "--tls-port",
                      std::to_string(pebble.tls_port())});
    auto sans = subject_alt_names(out / "cert.pem");
    CHECK(sans.find("DNS:alpn.example.com") != std::string::npos);
    CHECK(sans.find("IP Address:127.0.0.1") != std::string::npos);
    check_chain(pebble, out);
}

TEST_CASE("http-01 certifies an IP address identifier (RFC 8738)", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-ip");
    auto out =
        issue(pebble, tmp, {"127.0.0.1"},
              {"--http-address", "127.0.0.1", "--http-port", std::to_string(pebble.http_port())});
    CHECK(subject_alt_names(out / "cert.pem").find("IP Address:127.0.0.1") != std::string::npos);
    check_chain(pebble, out);
}
