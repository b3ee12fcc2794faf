// Policy rotate: each renewal certifies a key of the next generation, and the key it replaces
// stays in its device, with its release, for key_grace_period after the renewal (servers that
// have not reloaded yet still use it), then is destroyed by the first run after that.

#include <catch2/catch.hpp>

#include "agent/config/key_template.h"
#include "common/error.h"
#include "tests/pkcs11/softhsm_fixture.h"
#include "tests/service/service_fixture.h"

using namespace hwacme;
using namespace hwacme::test;
using namespace hwacme::test::service;

namespace {

/// Issues, then renews an hour later; checks the rotation and returns the retired key's entry.
manage::RetiredKey rotate_once(ServiceFixture& f, const config::CertificateConfig& certificate) {
    f.renew(certificate);
    auto first = f.state(certificate.name);
    REQUIRE(first.current);
    const auto old_key = config::key_uri_for_generation(certificate.key_uri, 1);
    const auto new_key = config::key_uri_for_generation(certificate.key_uri, 2);
    CHECK(first.current->key_uri == old_key);
    CHECK(first.current->key_generation == 1);

    // Forced rather than due: Pebble dates its certificates by the real clock, so a renewal at a
    // fake time years ahead would get a certificate due again at once and rotate once more.
    f.now += std::chrono::hours(1);
    f.renew(certificate, true);
    auto second = f.state(certificate.name);
    REQUIRE(second.current);
    CHECK(second.current->key_uri == new_key);
    CHECK(second.current->key_generation == 2);
    CHECK(second.last_key_generation == 2);
    CHECK(check_live_pair(certificate.output_dir) == new_key);
    REQUIRE(second.retired_keys.size() == 1);
    const auto retired = second.retired_keys[0];
    CHECK(retired.key_uri == old_key);
    CHECK(retired.serial_hex == first.current->serial_hex);
    CHECK(retired.release_dir == first.current->release_dir);
    CHECK(retired.destroy_after == f.now + certificate.key_grace_period);
    CHECK(key_exists(old_key));
    CHECK(key_exists(new_key));
    CHECK(fs::exists(retired.release_dir));
    return retired;
}

/// Runs just before and just after the grace period ends.
void outlive_grace(ServiceFixture& f, const config::CertificateConfig& certificate,
                   const manage::RetiredKey& retired) {
    const auto new_key = config::key_uri_for_generation(certificate.key_uri, 2);
    f.now = retired.destroy_after - std::chrono::seconds(1);
    CHECK(f.renew(certificate).find("not due") != std::string::npos);
    auto kept = f.state(certificate.name);
    REQUIRE(kept.retired_keys.size() == 1);
    CHECK(kept.retired_keys[0].key_uri == retired.key_uri);
    CHECK(key_exists(retired.key_uri));
    CHECK(fs::exists(retired.release_dir));

    f.now = retired.destroy_after + std::chrono::seconds(1);
    CHECK(f.renew(certificate).find("not due") != std::string::npos);
    auto after = f.state(certificate.name);
    CHECK(after.retired_keys.empty());
    CHECK_FALSE(key_exists(retired.key_uri));
    CHECK_FALSE(fs::exists(retired.release_dir));
    // The live pair is untouched by the clean-up.
    REQUIRE(after.current);
    CHECK(after.current->key_uri == new_key);
    CHECK(key_exists(new_key));
    CHECK(check_live_pair(certificate.output_dir) == new_key);
    CHECK(files_in(certificate.output_dir / "releases") ==
          std::set<std::string>{after.current->serial_hex});
}

}  // namespace

TEST_CASE("a rotated-out file key is kept for its grace period then destroyed", "[pebble]") {
    ServiceFixture f("hwacme-service-rotation");
    auto site = f.certificate("site");
    site.key_grace_period = std::chrono::hours(24 * 7);

    auto retired = rotate_once(f, site);
    CHECK(files_in(f.tmp / "keys") == std::set<std::string>{"site-1.pem", "site-2.pem"});
    outlive_grace(f, site, retired);
    CHECK(files_in(f.tmp / "keys") == std::set<std::string>{"site-2.pem"});
}

TEST_CASE("a rotated-out SoftHSM key is destroyed in the token after its grace period",
          "[pebble][softhsm]") {
    ServiceFixture f("hwacme-service-rotation-token");
    SoftHsmToken token("service-rotation");
    auto site = f.certificate("site");
    site.key_uri = token.uri_for("site-{generation}");
    site.key_grace_period = std::chrono::hours(24);

    auto retired = rotate_once(f, site);
    CHECK(token_key_labels(token.token_uri()) == std::set<std::string>{"site-1", "site-2"});
    outlive_grace(f, site, retired);
    CHECK(token_key_labels(token.token_uri()) == std::set<std::string>{"site-2"});
}

TEST_CASE("policy reuse keeps its key, retires nothing and drops the replaced release at once",
          "[pebble]") {
    ServiceFixture f("hwacme-service-reuse");
    auto site = f.certificate("site");
    site.key_policy = config::KeyPolicy::Reuse;
    site.key_uri = "file:" + (f.tmp / "keys" / "site.pem").string();

    f.renew(site);
    auto first = f.state("site").current;
    REQUIRE(first);
    const auto spki = key_spki(site.key_uri);

    f.now += std::chrono::hours(1);
    f.renew(site, true);
    auto renewed = f.state("site");
    REQUIRE(renewed.current);
    CHECK(renewed.current->serial_hex != first->serial_hex);
    CHECK(renewed.current->key_uri == site.key_uri);
    CHECK(renewed.current->key_generation == 0);
    CHECK(renewed.retired_keys.empty());
    CHECK(key_spki(site.key_uri) == spki);
    CHECK(check_live_pair(site.output_dir) == site.key_uri);
    CHECK(files_in(f.tmp / "keys") == std::set<std::string>{"site.pem"});
    CHECK(files_in(site.output_dir / "releases") ==
          std::set<std::string>{renewed.current->serial_hex});
}

TEST_CASE("a renewal that fails still destroys the retired keys whose grace is over", "[pebble]") {
    ServiceFixture f("hwacme-service-grace-failing");
    auto site = f.certificate("site");
    site.key_grace_period = std::chrono::hours(24);
    auto retired = rotate_once(f, site);

    // Past the grace period, a forced renewal whose validation cannot succeed: a name never
    // authorized (Pebble may reuse the others' authorizations) behind a DNS hook that fails.
    f.now = retired.destroy_after + std::chrono::seconds(1);
    auto broken = site;
    broken.identifiers.push_back("never-authorized.site.example.com");
    broken.challenge.type = "dns-01";
    broken.challenge.dns_hook = "/bin/false";
    CHECK_THROWS_AS(f.renew(broken, true), Error);

    auto after = f.state("site");
    CHECK_FALSE(after.last_error.empty());
    CHECK(after.retired_keys.empty());
    CHECK_FALSE(key_exists(retired.key_uri));
    CHECK_FALSE(fs::exists(retired.release_dir));
    // The renewal it was attempting is still pending; the live pair is the rotated key's.
    REQUIRE(after.pending);
    REQUIRE(after.current);
    CHECK(check_live_pair(site.output_dir) == after.current->key_uri);
    CHECK(key_exists(after.current->key_uri));
}
