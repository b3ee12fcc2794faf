// Key custody holding TPM keys on a TPM without a resource manager (swtpm): when the network
// process is killed mid-run, custody flushes what it loaded, so the TPM is left as it was found.

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/process_tree.h"
#include "tests/tpm/tpm_cli_support.h"

using namespace hwacme::test;
using namespace hwacme::test::tpm_cli;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const std::string kBlockingHook =
    std::string(HWACME_SOURCE_DIR) + "/tests/custody/blocking-dns-hook";

}  // namespace

TEST_CASE("the network process killed mid-run leaves no TPM object or session behind",
          "[swtpm][pebble]") {
    SwtpmFixture swtpm;
    PebbleFixture pebble;
    TempDir tmp("hwacme-tpm-custody");
    const fs::path ready = tmp / "hook-ready";
    const fs::path release = tmp / "hook-release";
    std::vector<std::string> argv{std::string(HWACME_BINARY_DIR) + "/hwacme",
                                  "--tcti",
                                  swtpm.tcti(),
                                  "issue",
                                  "-d",
                                  "tpm.custody.example.com",
                                  "--key",
                                  "tpm2:path=" + (tmp / "web.tss2.pem").string(),
                                  "--account-key",
                                  "tpm2:path=" + (tmp / "account.tss2.pem").string(),
                                  "--agree-tos",
                                  "--challenge",
                                  "dns-01",
                                  "--dns-hook",
                                  kBlockingHook,
                                  "--out",
                                  (tmp / "out").string()};
    auto ca = ca_options(pebble, tmp);
    argv.insert(argv.end(), ca.begin(), ca.end());
    Process issue(argv,
                  {.env = {"CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url(),
                           "HOOK_READY=" + ready.string(), "HOOK_RELEASE=" + release.string()},
                   .stdout_path = tmp / "issue.out",
                   .stderr_path = tmp / "issue.err"});
    // Both keys are loaded in the TPM by now: the account signed newOrder, and the hook runs
    // once the order's challenge is known, after the certificate key was generated.
    for (auto deadline = std::chrono::steady_clock::now() + 60s; !fs::exists(ready);) {
        INFO(slurp(tmp / "issue.err"));
        REQUIRE(std::chrono::steady_clock::now() < deadline);
        std::this_thread::sleep_for(20ms);
    }
    pid_t network = network_process_of(issue.pid());
    REQUIRE(network > 0);
    REQUIRE(::kill(network, SIGKILL) == 0);
    std::ofstream(release).put('\n');
    CHECK(issue.wait_for_exit(30s) == 128 + SIGKILL);
    INFO(slurp(tmp / "issue.err"));
    CHECK(fs::exists(tmp / "web.tss2.pem"));
    CHECK_FALSE(fs::exists(tmp / "out" / "cert.pem"));
    CHECK(getcap(swtpm, "handles-transient").empty());
    CHECK(getcap(swtpm, "handles-loaded-session").empty());
}
