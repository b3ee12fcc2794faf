#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

/// What the CA's DNS answers for every name: which families its validation can reach us over.
struct Resolution {
    const char* name;
    std::string ipv4;
    std::string ipv6;
};

const Resolution kIpv6Only{"AAAA ::1 only", "", "::1"};
const Resolution kIpv4Only{"A 127.0.0.1 only", "127.0.0.1", ""};
const Resolution kBoth{"A 127.0.0.1 and AAAA ::1", "127.0.0.1", "::1"};

PebbleOptions resolving(const Resolution& resolution) {
    PebbleOptions options;
    options.dns_ipv4 = resolution.ipv4;
    options.dns_ipv6 = resolution.ipv6;
    return options;
}

/// The challenge options of `type` on the fixture's validation port, and no address: the
/// built-in server's default is what is under test.
std::vector<std::string> default_address_options(const PebbleFixture& pebble,
                                                 const std::string& type) {
    if (type == "tls-alpn-01")
        return {"--challenge", "tls-alpn-01", "--tls-port", std::to_string(pebble.tls_port())};
    return {"--challenge", "http-01", "--http-port", std::to_string(pebble.http_port())};
}

/// `issue` for one name with `challenge_args`, file keys in tmp; `prefix` runs before hwacme.
CommandResult issue(const PebbleFixture& pebble, const TempDir& tmp,
                    const std::vector<std::string>& challenge_args,
                    const std::vector<std::string>& prefix = {}) {
    std::vector<std::string> argv = prefix;
    argv.push_back(std::string(HWACME_BINARY_DIR) + "/hwacme");
    argv =
        join(argv, {"issue", "-d", "six.example.com", "--key", "file:" + (tmp / "k.pem").string(),
                    "--account-key", "file:" + (tmp / "acct.pem").string(), "--agree-tos", "--out",
                    (tmp / "out").string()});
    argv = join(join(argv, challenge_args), ca_options(pebble, tmp));
    return run_command(argv, {}, std::chrono::seconds(120));
}

void check_issued(const CommandResult& result, const TempDir& tmp) {
    INFO(result.stderr_text);
    CHECK(result.exit_code == 0);
    CHECK(fs::exists(tmp / "out" / "fullchain.pem"));
}

}  // namespace

TEST_CASE("http-01 and tls-alpn-01 by default validate over IPv6, IPv4 and both", "[pebble]") {
    auto type = GENERATE(std::string("http-01"), std::string("tls-alpn-01"));
    auto resolution = GENERATE(kIpv6Only, kIpv4Only, kBoth);
    INFO(type << ", DNS " << resolution.name);
    PebbleFixture pebble(resolving(resolution));
    TempDir tmp("hwacme-dual");
    check_issued(issue(pebble, tmp, default_address_options(pebble, type)), tmp);
}

TEST_CASE("an explicit 127.0.0.1 is refused by a CA that validates over IPv6 only", "[pebble]") {
    auto type = GENERATE(std::string("http-01"), std::string("tls-alpn-01"));
    INFO(type);
    PebbleFixture pebble(resolving(kIpv6Only));
    TempDir tmp("hwacme-dual");
    auto result =
        issue(pebble, tmp,
              join(default_address_options(pebble, type), {"--listen-address", "127.0.0.1"}));
    INFO(result.stderr_text);
    CHECK(result.exit_code == 1);
    // The CA's own words: it dialled [::1] and nobody answered there.
    CHECK_THAT(result.stderr_text, Catch::Contains("validation of dns:six.example.com failed"));
    CHECK_THAT(result.stderr_text, Catch::Contains("[::1]"));
    CHECK_FALSE(fs::exists(tmp / "out" / "fullchain.pem"));
}

TEST_CASE("on a kernel without IPv6 the default falls back to IPv4 and says so under -v",
          "[pebble]") {
    auto type = GENERATE(std::string("http-01"), std::string("tls-alpn-01"));
    INFO(type);
    PebbleFixture pebble(resolving(kIpv4Only));
    TempDir tmp("hwacme-dual");
    auto result = issue(pebble, tmp, join(default_address_options(pebble, type), {"-v"}),
                        {HWACME_WITHOUT_IPV6});
    check_issued(result, tmp);
    int port = type == "http-01" ? pebble.http_port() : pebble.tls_port();
    CHECK_THAT(result.stderr_text, Catch::Contains("no IPv6 on this host"));
    CHECK_THAT(result.stderr_text,
               Catch::Contains("listening on 0.0.0.0:" + std::to_string(port) + " only"));
}

// Run by CTest inside `unshare --net` with only `lo` up and IPv6 disabled there (CMakeLists.txt).
TEST_CASE("in a network namespace without IPv6 the default still validates over IPv4",
          "[.ipv4-only-netns]") {
    std::ifstream addresses("/proc/net/if_inet6");
    std::string any_line;
    REQUIRE_FALSE(std::getline(addresses, any_line));  // no IPv6 address on any interface here
    auto type = GENERATE(std::string("http-01"), std::string("tls-alpn-01"));
    INFO(type);
    PebbleFixture pebble(resolving(kIpv4Only));
    TempDir tmp("hwacme-dual");
    check_issued(issue(pebble, tmp, default_address_options(pebble, type)), tmp);
}
