// `hwacme renew` as two processes, looked at from outside while custody runs a deploy hook: the
// network process maps no PKCS#11 module and is confined, the hook is custody's child, and the
// keys rotated and destroyed are in the token custody alone opened.

#include <catch2/catch.hpp>
#include <thread>

#include "tests/pkcs11/softhsm_fixture.h"
#include "tests/renew/renew_support.h"
#include "tests/support/process.h"
#include "tests/support/process_tree.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;
using namespace std::chrono_literals;

namespace {

std::string proc_file(pid_t pid, const std::string& name) {
    return slurp("/proc/" + std::to_string(pid) + "/" + name);
}

}  // namespace

TEST_CASE("renew runs its deploy hook from custody while the network process holds no module",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("renew-custody");
    TempDir tmp("hwacme-renew-custody");
    auto hooks = write_hooks(tmp.path());
    ManagedCertificate site{.name = "site",
                            .identifiers = {"site.custody.example.com"},
                            .key = token.uri_for("site-{generation}"),
                            .grace = "0s",
                            .challenge = http01(pebble),
                            .output_dir = tmp / "out" / "site",
                            .deploy_hook = hooks.deploy.string()};
    auto config = write_config(tmp.path(), pebble, {site});
    auto env = hooks.env(pebble);

    write_text(hooks.record_dir / "hold", "");
    Process renewal(
        {std::string(HWACME_BINARY_DIR) + "/hwacme", "--config", config.string(), "renew"},
        {.env = env, .stdout_path = tmp / "stdout", .stderr_path = tmp / "stderr"});
    for (auto deadline = std::chrono::steady_clock::now() + 90s;
         !fs::exists(hooks.record_dir / "holding");) {
        if (std::chrono::steady_clock::now() > deadline) FAIL(slurp(tmp / "stderr"));
        std::this_thread::sleep_for(20ms);
    }
    pid_t custody = renewal.pid();
    pid_t network = network_process_of(custody);
    REQUIRE(network > 0);
    CHECK(std::stoi(slurp(hooks.record_dir / "site.parent")) == custody);
    CHECK(proc_file(custody, "maps").find("libsofthsm2.so") != std::string::npos);
    CHECK(proc_file(network, "maps").find("libsofthsm2.so") == std::string::npos);
    auto status = proc_file(network, "status");
    CHECK(status.find("NoNewPrivs:\t1") != std::string::npos);
    CHECK(status.find("Seccomp:\t2") != std::string::npos);

    fs::remove(hooks.record_dir / "hold");
    auto code = renewal.wait_for_exit(90s);
    INFO(slurp(tmp / "stderr"));
    REQUIRE(code == 0);
    CHECK_THAT(slurp(tmp / "stdout"), Catch::Contains("site: renewed"));

    // Forced again with a grace of 0: custody generates generation 2 and destroys generation 1
    // once the state shows it retired.
    auto again = run_configured(config, {"renew", "--force"}, env);
    INFO(again.stderr_text);
    REQUIRE(again.exit_code == 0);
    CHECK_THAT(again.stderr_text, Catch::Contains("key custody destroyed"));
    CHECK(token_key_labels(token.token_uri()) == std::set<std::string>{"site-2"});
}
