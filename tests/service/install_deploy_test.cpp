// What a renewal publishes and how its deploy hook is owed: OUT/current switches to the new
// release as a whole, and a hook that fails is run again by the next run until it succeeds,
// without renewing again.

#include <catch2/catch.hpp>

#include "agent/config/key_template.h"
#include "agent/manage/release.h"
#include "common/error.h"
#include "tests/service/service_fixture.h"
#include "tests/support/certificate_spki.h"
#include "tests/support/slurp.h"

using namespace hwacme;
using namespace hwacme::test;
using namespace hwacme::test::service;

TEST_CASE("current points at a release whose certificate carries the renewed key", "[pebble]") {
    ServiceFixture f("hwacme-service-install");
    const auto site = f.certificate("site");
    const auto out = site.output_dir;

    f.renew(site);
    auto first = f.state("site").current;
    REQUIRE(first);
    CHECK(first->release_dir == out / "releases" / first->serial_hex);
    CHECK(manage::active_release_dir(out) == first->release_dir);

    f.now = *f.state("site").renew_at;
    f.renew(site);
    auto second = f.state("site").current;
    REQUIRE(second);
    const auto key = config::key_uri_for_generation(site.key_uri, 2);
    CHECK(second->key_uri == key);
    CHECK(manage::active_release_dir(out) == second->release_dir);
    CHECK(fs::read_symlink(out / "current").filename() == second->serial_hex);

    const auto release = manage::release_at(second->release_dir);
    CHECK(certificate_spki(slurp(release.cert)) == key_spki(key));
    CHECK(certificate_spki(slurp(release.fullchain)) == key_spki(key));
    CHECK(slurp(release.fullchain) == slurp(release.cert) + slurp(release.chain));
    CHECK(slurp(release.key_uri_file) == key + "\n");
    // A file key is also handed to servers as a path, beside the certificate it goes with.
    REQUIRE(release.key_file);
    CHECK(fs::canonical(*release.key_file) == fs::canonical(f.tmp / "keys" / "site-2.pem"));
    CHECK(check_live_pair(out) == key);
    // The previous release stays for the retired key's grace period.
    CHECK(fs::exists(first->release_dir / "fullchain.pem"));
}

TEST_CASE("a failed deploy hook stays owed and is rerun by the next run", "[pebble]") {
    ServiceFixture f("hwacme-service-deploy");
    auto site = f.certificate("site");
    const auto deploys = f.tmp / "deploys";
    const auto failed_once = f.tmp / "failed-once";
    site.deploy_hook = (f.tmp / "deploy-hook").string();
    write_script(site.deploy_hook,
                 "#!/bin/sh\n"
                 "if [ ! -e '" +
                     failed_once.string() + "' ]; then touch '" + failed_once.string() +
                     "'; echo 'deploy hook: failing once' >&2; exit 3; fi\n"
                     "echo \"$HWACME_SERIAL\" >>'" +
                     deploys.string() + "'\n");

    // The certificate is installed before the hook runs: its failure fails the run but keeps
    // the certificate.
    CHECK_THROWS_AS(f.renew(site), Error);
    auto failed = f.state("site");
    REQUIRE(failed.current);
    const auto serial = failed.current->serial_hex;
    CHECK(failed.deploy_pending);
    CHECK(failed.last_error.find("deploy hook failed") != std::string::npos);
    CHECK(fs::exists(failed_once));
    CHECK_FALSE(fs::exists(deploys));
    CHECK(live_serial(site.output_dir) == serial);

    auto rerun = f.renew(site);
    CHECK(rerun.find("not due") != std::string::npos);
    CHECK(rerun.find("deploy hook rerun") != std::string::npos);
    auto deployed = f.state("site");
    CHECK_FALSE(deployed.deploy_pending);
    CHECK(deployed.last_error.empty());
    REQUIRE(deployed.current);
    CHECK(deployed.current->serial_hex == serial);
    CHECK(slurp(deploys) == serial + "\n");

    // Owed no more: a third run leaves the hook alone.
    f.renew(site);
    CHECK(slurp(deploys) == serial + "\n");
}
