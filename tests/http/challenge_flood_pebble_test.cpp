// Item 7 of issue #11 through the binary: the built-in challenge servers still answer the CA's
// validator while 1,000 idle and 64 slow connections sit on the challenge port.
#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <regex>
#include <string>

#include "agent/http/connection_budget.h"
#include "tests/http/hostile_peers.h"
#include "tests/http/paused_hwacme.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/temp_dir.h"

using hwacme::http::kExchangeDeadline;
using hwacme::http::kMaxConnections;
using hwacme::http::kReservedDescriptors;
using namespace hwacme::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kIdlePeers = 1000;
constexpr std::size_t kSlowPeers = 64;
// The peers and Pebble's pipes here; hwacme inherits the hard limit and may raise its soft limit
// to what a full server needs.
constexpr std::size_t kDescriptorsNeeded =
    std::max(kIdlePeers + kSlowPeers + 200, kMaxConnections + kReservedDescriptors);
// A byte every 2 s: far more often than any timeout per read, and 2 s is "every few seconds".
constexpr auto kTrickleInterval = 2s;
// Pebble issues in about a second; the hostile peers may cost the server a few more, never more
// than this.
constexpr auto kIssuanceBound = 20s;
// What hwacme (and any other child reaped before it) may have used at its peak.
constexpr long kMaxRssKib = 200 * 1024;

/// What the server said under -v when it stopped: how many connections it took, and how many of
/// them it closed to make room for newer ones.
struct ServerSummary {
    long connections = -1;
    long evicted = -1;
};

ServerSummary server_summary(const std::string& stderr_text, const std::string& type) {
    std::smatch match;
    std::regex line(type + R"( server: (\d+) connections, (\d+) of them closed early)");
    if (!std::regex_search(stderr_text, match, line)) return {};
    return {std::stol(match[1]), std::stol(match[2])};
}

struct Challenge {
    std::string type;
    std::string trickle;  // what a slow peer sends, a byte at a time
};

const Challenge kHttp01{"http-01", "GET /.well-known/acme-challenge/x HTTP/1.1\r\nX-Slow: "};
const Challenge kTlsAlpn01{"tls-alpn-01", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc", 9)};

}  // namespace

TEST_CASE("issue succeeds while 1,000 idle and 64 slow connections hold the challenge port",
          "[pebble]") {
    auto challenge = GENERATE(kHttp01, kTlsAlpn01);
    // A service's usual soft limit of 1024 under either hard limit: one hwacme may raise the soft
    // limit toward (then it holds every peer), one it may not (then it closes the oldest peers).
    struct Limit {
        std::string nofile;  // prlimit's soft:hard
        std::size_t capacity;
    };
    auto limit =
        GENERATE(Limit{"1024:", kMaxConnections}, Limit{"1024:1024", 1024 - kReservedDescriptors});
    INFO(challenge.type << ", hwacme's RLIMIT_NOFILE soft:hard " << limit.nofile);
    require_descriptors(kDescriptorsNeeded);
    PebbleFixture pebble;
    TempDir tmp("hwacme-flood");
    int port = challenge.type == "http-01" ? pebble.http_port() : pebble.tls_port();
    std::vector<std::string> args{"issue",
                                  "-d",
                                  "flood.example.com",
                                  "--challenge",
                                  challenge.type,
                                  "--listen-address",
                                  "127.0.0.1",
                                  challenge.type == "http-01" ? "--http-port" : "--tls-port",
                                  std::to_string(port),
                                  "--key",
                                  "file:" + (tmp / "k.pem").string(),
                                  "--account-key",
                                  "file:" + (tmp / "acct.pem").string(),
                                  "--agree-tos",
                                  "--out",
                                  (tmp / "out").string(),
                                  "-v"};
    // Stopped right after listen(2), before it accepts anything or asks the CA to validate: every
    // hostile connection is in place before the validator's.
    PausedHwacme hwacme({"prlimit", "--nofile=" + limit.nofile}, "listen",
                        join(args, ca_options(pebble, tmp)), tmp.path());
    hwacme.wait_until_stopped(30s);
    HostilePeers peers(static_cast<std::uint16_t>(port), kIdlePeers, kSlowPeers, challenge.trickle,
                       kTrickleInterval);
    peers.connect_all(10s);
    peers.start();
    auto resumed = std::chrono::steady_clock::now();
    hwacme.resume();
    auto result = hwacme.wait_for_exit(kIssuanceBound + 30s);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - resumed);
    auto stats = peers.stop();
    rusage children{};
    ::getrusage(RUSAGE_CHILDREN, &children);

    auto summary = server_summary(result.stderr_text, challenge.type);

    INFO(result.stderr_text);
    INFO("issuance took " << took.count() << " ms; the server took " << summary.connections
                          << " connections and closed " << summary.evicted
                          << " to make room; the peers saw " << stats.closed_by_server
                          << " closed, the longest after " << stats.longest_lifetime.count()
                          << " ms; peak RSS " << children.ru_maxrss << " KiB");
    CHECK_FALSE(result.timed_out);
    REQUIRE(result.exit_code == 0);
    CHECK(fs::exists(tmp / "out" / "fullchain.pem"));
    CHECK(took < kIssuanceBound);
    CHECK(children.ru_maxrss < kMaxRssKib);
    CHECK_THAT(result.stderr_text,
               Catch::Contains("up to " + std::to_string(limit.capacity) + " connections"));
    // The server took every hostile connection and the validator's (Pebble validates from
    // three places), rather than leaving them queued in the kernel ...
    CHECK(summary.connections >= static_cast<long>(kIdlePeers + kSlowPeers + 1));
    // ... and closed old ones to seat new ones only when its limit was full.
    long beyond = static_cast<long>(kIdlePeers + kSlowPeers) - static_cast<long>(limit.capacity);
    CHECK(summary.evicted >= std::max(0L, beyond));
    if (beyond <= 0) CHECK(summary.evicted == 0);
    // However slowly a peer trickles, its connection ends at the exchange deadline, give or take
    // the peers' polling.
    CHECK(stats.longest_lifetime < kExchangeDeadline + 1s);
    WARN("measured: " << challenge.type << " " << limit.nofile << ": issued in " << took.count()
                      << " ms, server took " << summary.connections << ", evicted "
                      << summary.evicted << ", peak RSS " << children.ru_maxrss << " KiB");
}
