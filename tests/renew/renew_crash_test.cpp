// kill -9 of `hwacme renew` at several moments of a renewal whose keys rotate in a SoftHSM token
// (after the key was generated, once the order exists, once it is validated, while the deploy
// hook of the installed certificate runs), then a plain rerun: the renewal completes, the published
// certificate and the key its key.uri names match after every kill and every rerun, and the token
// holds no key the state does not know once the grace period (0 here) is over.

#include <signal.h>

#include <catch2/catch.hpp>

#include "tests/ari/test_only_acme_proxy_fixture.h"
#include "tests/pkcs11/softhsm_fixture.h"
#include "tests/renew/renew_support.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;

namespace {

/// A killed run as the kernel reports it: 128 + SIGKILL.
constexpr int kKilled = 128 + 9;

struct KillPoint {
    std::string moment;  ///< the hook call that SIGKILLs hwacme
    bool installed;      ///< whether the new certificate was live when it died
};

}  // namespace

TEST_CASE("kill -9 at each step of a renewal then a rerun completes it with no orphan key",
          "[pebble][softhsm]") {
    // Authorizations are never reused, so every order has a challenge for the hook to die in.
    PebbleOptions options;
    options.extra_env = {"PEBBLE_AUTHZREUSE=0"};
    PebbleFixture pebble(options);
    SoftHsmToken token("renew-crash");
    TempDir tmp("hwacme-renew-crash");
    auto hooks = write_hooks(tmp.path());
    const std::string key_template = token.uri_for("site-{generation}");
    auto key_of = [&](unsigned n) { return token.uri_for("site-" + std::to_string(n)); };
    const auto out = tmp / "out";
    // Each round adds a name no authorization exists for, so its order always has a challenge
    // for the hook to die in: PEBBLE_AUTHZREUSE=0 alone once let an order come back ready.
    auto configure = [&](const std::string& round_name) {
        return write_config(tmp.path(), pebble,
                            {{.name = "site",
                              .identifiers = {"site.example.com", round_name},
                              .key = key_template,
                              .grace = "0s",
                              .challenge = dns01(hooks.dns),
                              .output_dir = out,
                              .deploy_hook = hooks.deploy.string()}});
    };
    auto config = configure("round1.example.com");
    auto env = hooks.env(pebble);

    auto first = run_configured(config, {"renew"}, env);
    INFO("first renew stderr: " << first.stderr_text);
    REQUIRE(first.exit_code == 0);
    CHECK(check_live_pair(out) == key_of(1));

    // add: the key and the order exist, nothing validated; remove: validated, not finalized;
    // deploy: installed and recorded, the deploy hook not finished.
    const std::vector<KillPoint> points{{"add", false}, {"remove", false}, {"deploy", true}};
    unsigned generation = 1;
    for (const auto& point : points) {
        ++generation;
        INFO("killed at " << point.moment << ", generation " << generation);
        configure("round" + std::to_string(generation) + ".example.com");
        hooks.kill_at(point.moment);
        auto killed = run_configured(config, {"renew", "--force"}, env);
        INFO("killed run stderr: " << killed.stderr_text);
        REQUIRE(killed.exit_code == kKilled);
        CHECK_FALSE(fs::exists(hooks.kill_dir / point.moment));

        CHECK(check_live_pair(out) == key_of(point.installed ? generation : generation - 1));
        auto site = status_of(config)["site"];
        if (point.installed) {
            CHECK(site.at("pending").is_null());
            CHECK(site.at("deploy_pending").as_bool());
        } else {
            const auto& pending = site.at("pending").as_object();
            CHECK(text(pending.at("key_uri")) == key_of(generation));
            CHECK(text(pending.at("order_url")).find("https://") == 0);
        }

        auto rerun = run_configured(config, {"renew"}, env);
        INFO("rerun stderr: " << rerun.stderr_text);
        REQUIRE(rerun.exit_code == 0);
        CHECK(check_live_pair(out) == key_of(generation));
        site = status_of(config)["site"];
        CHECK(site.at("pending").is_null());
        CHECK_FALSE(site.at("deploy_pending").as_bool());
        CHECK(site.at("retired_keys").as_array().empty());
        CHECK(text(site.at("last_error")).empty());
        // The token holds the live key and nothing else: no orphan of the killed run.
        CHECK(token_key_labels(token.token_uri()) ==
              std::set<std::string>{"site-" + std::to_string(generation)});
        auto deploys = slurp(hooks.record_dir / "deploys");
        CHECK(deploys.ends_with("site " + text(site.at("current").at("serial")) + "\n"));
        CHECK(files_in(out / "releases").size() == 1);
    }
}

TEST_CASE(
    "kill -9 after the key was generated and before the order exists then a rerun uses "
    "that key",
    "[pebble][softhsm]") {
    PebbleFixture pebble;
    // The first newOrder is answered 503 with Retry-After: hwacme waits there, its key made.
    TestOnlyAcmeProxyOptions refuse_first_order;
    refuse_first_order.fail_new_order = 1;
    refuse_first_order.fail_retry_after = {"50"};
    TestOnlyAcmeProxy proxy(pebble, refuse_first_order);
    SoftHsmToken token("renew-crash-key");
    TempDir tmp("hwacme-renew-crash-key");
    const auto out = tmp / "out";
    auto config = write_config(tmp.path(), pebble,
                               {{.name = "site",
                                 .identifiers = {"site.example.com"},
                                 .key = token.uri_for("site-{generation}"),
                                 .challenge = http01(pebble),
                                 .output_dir = out}});
    use_directory(config, pebble, proxy.directory_url());

    ProcessOptions output;
    output.stdout_path = tmp / "renew.out";
    output.stderr_path = tmp / "renew.err";
    Process renewing(
        {std::string(HWACME_BINARY_DIR) + "/hwacme", "--config", config.string(), "renew"}, output);
    // Killed once the CA has refused its first newOrder: the key exists, the order does not.
    for (int i = 0; i < 600 && proxy.new_orders().empty(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(proxy.new_orders().size() == 1);
    REQUIRE(::kill(renewing.pid(), SIGKILL) == 0);
    REQUIRE(renewing.wait_for_exit(std::chrono::seconds(30)) == kKilled);
    INFO("killed run stderr: " << slurp(tmp / "renew.err"));

    auto site = status_of(config)["site"];
    CHECK(site.at("current").is_null());
    const auto& pending = site.at("pending").as_object();
    CHECK(text(pending.at("key_uri")) == token.uri_for("site-1"));
    CHECK(pending.at("order_url").is_null());
    CHECK(token_key_labels(token.token_uri()) == std::set<std::string>{"site-1"});

    auto rerun = run_configured(config, {"renew"});
    INFO("rerun stderr: " << rerun.stderr_text);
    REQUIRE(rerun.exit_code == 0);
    CHECK(check_live_pair(out) == token.uri_for("site-1"));
    CHECK(token_key_labels(token.token_uri()) == std::set<std::string>{"site-1"});
    CHECK(status_of(config)["site"].at("pending").is_null());
}
