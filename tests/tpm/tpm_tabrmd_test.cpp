// The TPM backend behind tpm2-abrmd, the user-space resource manager appliances run: key show
// names it, and runs killed while they hold TPM objects leave nothing behind, because the broker
// flushes what a client that went away had loaded.

#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/tpm/tabrmd_fixture.h"
#include "tests/tpm/tpm_cli_support.h"

using namespace hwacme::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {}  // namespace

TEST_CASE("through tpm2-abrmd keys are made, shown with the broker named and issue",
          "[pebble][swtpm]") {
    TabrmdFixture tabrmd;
    PebbleFixture pebble;
    TempDir tmp("hwacme-tabrmd");
    const auto key = "tpm2:path=" + (tmp / "web.tss2.pem").string();
    const std::vector<std::string> tcti{"--tcti", tabrmd.tcti()};
    auto generated =
        run_hwacme(join(tcti, {"key", "generate", key, "--type", "ec-p256"}), tabrmd.env());
    INFO(generated.stderr_text);
    REQUIRE(generated.exit_code == 0);
    auto shown = run_hwacme(join(tcti, {"key", "show", key}), tabrmd.env());
    REQUIRE(shown.exit_code == 0);
    CHECK_THAT(shown.stdout_text,
               Catch::Contains("resource manager: tpm2-abrmd (" + tabrmd.tcti() + ")"));

    // Runs killed soon after they start, again and again: on a bare swtpm kills that land while
    // a run holds objects leave them behind (renew_tpm_leftovers_test.cpp); behind the broker
    // nothing is left, and the issuance that follows succeeds.
    for (int round = 0; round < 5; ++round) {
        Process killed(
            {std::string(HWACME_BINARY_DIR) + "/hwacme", "--tcti", tabrmd.tcti(), "key", "generate",
             "tpm2:path=" + (tmp / ("k" + std::to_string(round))).string() + ".tss2.pem"},
            {.env = tabrmd.env(),
             .stdout_path = "/dev/null",
             .stderr_path = "/dev/null",
             .new_session = true});
        std::this_thread::sleep_for(std::chrono::milliseconds(30 + 20 * round));
        ::kill(-killed.pid(), SIGKILL);
        killed.wait_for_exit(10s);
    }
    auto issued = run_hwacme(
        join(join(tcti, {"issue", "-d", "tabrmd.example.com", "--key", key, "--account-key",
                         "tpm2:path=" + (tmp / "account.tss2.pem").string(), "--agree-tos",
                         "--http-address", "127.0.0.1", "--http-port",
                         std::to_string(pebble.http_port()), "--out", (tmp / "out").string()}),
             ca_options(pebble, tmp)),
        tabrmd.env());
    INFO(issued.stderr_text);
    CHECK(issued.exit_code == 0);
    CHECK(fs::exists(tmp / "out" / "cert.pem"));
}
