// A crash after the new release went live and before the state recorded it: the state still
// names the old certificate as current and the renewal as pending with its order, while
// OUT/current already serves the new pair. The rerun must finish that renewal — same
// certificate, same key — and not order again, publish twice or lose the old key early.
//
// The crash is made by restoring the state.json that the DNS hook copied at `remove` (the order
// validated, nothing installed): exactly what a kill between the rename and the save leaves.

#include <catch2/catch.hpp>

#include "tests/renew/renew_support.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;

TEST_CASE("a release that went live before the state saved it is completed by the rerun",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-renew-unsaved");
    auto hooks = write_hooks(tmp.path());
    const auto state_file = tmp / "state" / "certificates" / "site" / "state.json";
    const auto snapshot = tmp / "state-at-remove.json";
    const auto snapshot_hook = tmp / "snapshot-dns-hook";
    write_text(snapshot_hook,
               "#!/usr/bin/env bash\nset -euo pipefail\n"
               "if [[ $1 == remove ]]; then cp \"" +
                   state_file.string() + "\" \"" + snapshot.string() +
                   "\"; fi\n"
                   "exec \"" +
                   hooks.dns.string() + "\" \"$@\"\n",
               0755);
    auto key_of = [&](unsigned n) {
        return "file:" + (tmp / ("site-" + std::to_string(n) + ".pem")).string();
    };
    const auto out = tmp / "out";
    // The second run adds a name no authorization exists for, so it calls the DNS hook.
    auto configure = [&](const std::vector<std::string>& names) {
        return write_config(tmp.path(), pebble,
                            {{.name = "site",
                              .identifiers = names,
                              .key = "file:" + (tmp / "site-{generation}.pem").string(),
                              .challenge = dns01(snapshot_hook),
                              .output_dir = out}});
    };
    auto config = configure({"site.example.com"});
    const auto env = hooks.env(pebble);
    REQUIRE(run_configured(config, {"renew"}, env).exit_code == 0);
    const auto first_serial = text(status_of(config)["site"].at("current").at("serial"));

    configure({"site.example.com", "www.site.example.com"});
    auto second = run_configured(config, {"renew", "--force"}, env);
    INFO("second renew stderr: " << second.stderr_text);
    REQUIRE(second.exit_code == 0);
    const auto live_serial = text(status_of(config)["site"].at("current").at("serial"));
    REQUIRE(live_serial != first_serial);

    // The crash: the new pair is live, the state is as it was before the install.
    fs::copy_file(snapshot, state_file, fs::copy_options::overwrite_existing);
    auto crashed = status_of(config)["site"];
    REQUIRE(text(crashed.at("current").at("serial")) == first_serial);
    REQUIRE(text(crashed.at("pending").at("key_uri")) == key_of(2));
    CHECK(check_live_pair(out) == key_of(2));

    auto rerun = run_configured(config, {"renew"}, env);
    INFO("rerun stderr: " << rerun.stderr_text);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.stderr_text.find("(valid)") != std::string::npos);
    CHECK(check_live_pair(out) == key_of(2));
    auto site = status_of(config)["site"];
    CHECK(site.at("pending").is_null());
    CHECK(text(site.at("current").at("serial")) == live_serial);
    const auto& retired = site.at("retired_keys").as_array();
    REQUIRE(retired.size() == 1);
    CHECK(text(retired[0].at("key_uri")) == key_of(1));
    CHECK(text(retired[0].at("serial")) == first_serial);
    CHECK(key_exists(key_of(1)));
    // One release per certificate, the second one written again, not a third.
    CHECK(files_in(out / "releases") == std::set<std::string>{first_serial, live_serial});
}
