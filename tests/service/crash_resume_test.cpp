// A renewal interrupted at each of its steps, made by writing the state a crash there leaves,
// then resumed by the next run: it must finish with the key and order the state names, and
// leave neither a second new key nor the old one lost.

#include <catch2/catch.hpp>

#include "agent/acme/order.h"
#include "agent/config/key_template.h"
#include "agent/service/ca_session.h"
#include "agent/service/certificate_files.h"
#include "common/error.h"
#include "tests/service/service_fixture.h"
#include "tests/support/certificate_spki.h"
#include "tests/support/slurp.h"

using namespace hwacme;
using namespace hwacme::test;
using namespace hwacme::test::service;

namespace {

const std::set<std::string> kBothKeys{"site-1.pem", "site-2.pem"};

/// Issues generation 1, then writes the state begin_renewal saves for generation 2 before its
/// key exists: what a crash between that save and the key's generation leaves.
manage::CertificateState crashed_before_key(ServiceFixture& f,
                                            const config::CertificateConfig& site) {
    f.renew(site);
    auto state = f.state(site.name);
    REQUIRE(state.current);
    state.pending =
        manage::PendingRenewal{.key_uri = config::key_uri_for_generation(site.key_uri, 2),
                               .key_generation = 2,
                               .order_url = std::nullopt,
                               .started = f.now};
    state.last_key_generation = 2;
    f.save_state(site.name, state);
    return state;
}

/// The renewal of generation 2 finished: one current certificate for key 2, key 1 retired and
/// kept, nothing pending, and the release of each certificate.
void check_finished(ServiceFixture& f, const config::CertificateConfig& site,
                    const std::string& first_serial) {
    auto state = f.state(site.name);
    REQUIRE(state.current);
    const auto new_key = config::key_uri_for_generation(site.key_uri, 2);
    CHECK(state.current->key_uri == new_key);
    CHECK(state.current->serial_hex != first_serial);
    CHECK_FALSE(state.pending);
    CHECK(state.last_key_generation == 2);
    CHECK(state.last_error.empty());
    REQUIRE(state.retired_keys.size() == 1);
    CHECK(state.retired_keys[0].key_uri == config::key_uri_for_generation(site.key_uri, 1));
    CHECK(state.retired_keys[0].serial_hex == first_serial);
    CHECK(files_in(f.tmp / "keys") == kBothKeys);
    CHECK(check_live_pair(site.output_dir) == new_key);
    CHECK(live_serial(site.output_dir) == state.current->serial_hex);
    CHECK(files_in(site.output_dir / "releases") ==
          std::set<std::string>{first_serial, state.current->serial_hex});
}

std::string serial_of(const std::string& chain_pem) {
    return hwacme::service::summarize(hwacme::service::parse_pem_certificate(chain_pem).get())
        .serial_hex;
}

}  // namespace

TEST_CASE("a pending renewal whose key was never generated generates it and no other", "[pebble]") {
    ServiceFixture f("hwacme-service-crash-a");
    const auto site = f.certificate("site");
    auto crashed = crashed_before_key(f, site);
    CHECK(files_in(f.tmp / "keys") == std::set<std::string>{"site-1.pem"});

    f.renew(site);
    check_finished(f, site, crashed.current->serial_hex);
}

TEST_CASE("a pending renewal whose key was generated uses that very key", "[pebble]") {
    ServiceFixture f("hwacme-service-crash-b");
    const auto site = f.certificate("site");
    auto crashed = crashed_before_key(f, site);
    const auto generated = generate_key(crashed.pending->key_uri);

    f.renew(site);
    check_finished(f, site, crashed.current->serial_hex);
    CHECK(key_spki(crashed.pending->key_uri) == generated);
    CHECK(certificate_spki(slurp(site.output_dir / "current" / "cert.pem")) == generated);
}

TEST_CASE("a pending renewal with a saved order finishes that order", "[pebble]") {
    ServiceFixture f("hwacme-service-crash-c");
    auto site = f.certificate("site");
    f.renew(site);
    const auto first_serial = f.state("site").current->serial_hex;

    // A name never authorized makes the order wait for a challenge, which the DNS hook then
    // fails to publish: the run stops with the order saved and still pending.
    site.identifiers.push_back("www.site.example.com");
    auto broken = site;
    broken.challenge = {};
    broken.challenge.type = "dns-01";
    broken.challenge.dns_hook = "/bin/false";
    CHECK_THROWS_AS(f.renew(broken, true), Error);
    auto crashed = f.state("site");
    REQUIRE(crashed.pending);
    REQUIRE(crashed.pending->order_url);
    const auto order_url = *crashed.pending->order_url;
    CHECK(crashed.pending->key_uri == config::key_uri_for_generation(site.key_uri, 2));
    CHECK_FALSE(crashed.last_error.empty());
    REQUIRE(crashed.current);
    CHECK(crashed.current->serial_hex == first_serial);
    CHECK(files_in(f.tmp / "keys") == kBothKeys);

    hwacme::service::CaSession ca(f.options, f.ca);
    CHECK(acme::fetch_order(ca.account(), order_url).status == "pending");

    // Not forced: the pending renewal alone makes it due.
    f.renew(site);
    check_finished(f, site, first_serial);
    auto order = acme::fetch_order(ca.account(), order_url);
    CHECK(order.status == "valid");
    REQUIRE(order.certificate);
    CHECK(serial_of(acme::download_certificate(ca.account(), *order.certificate).pem) ==
          f.state("site").current->serial_hex);
}

TEST_CASE("a release made live before the state recorded it is completed, not issued again",
          "[pebble]") {
    ServiceFixture f("hwacme-service-crash-d");
    auto site = f.certificate("site");
    f.renew(site);
    const auto first_serial = f.state("site").current->serial_hex;

    // The DNS hook copies state.json when it withdraws the record: the order is validated and
    // saved, nothing is installed yet. Restoring that copy after the run is what a crash
    // between making the release live and saving the state leaves.
    const auto state_file = manage::certificate_state_path(f.state_dir(), "site");
    const auto snapshot = f.tmp / "state-before-install.json";
    const auto hook = f.tmp / "dns-hook";
    write_script(hook, "#!/usr/bin/env bash\nset -euo pipefail\nchalltestsrv='" +
                           f.pebble.challtestsrv_url() + "' state='" + state_file.string() +
                           "' snapshot='" + snapshot.string() + "'\n" +
                           R"(action=$1 record=$2 value=${3:-}
case $action in
add) curl -sf -X POST -d "{\"host\":\"$record.\",\"value\":\"$value\"}" "$challtestsrv/set-txt" ;;
remove) cp "$state" "$snapshot"
    curl -sf -X POST -d "{\"host\":\"$record.\"}" "$challtestsrv/clear-txt" ;;
esac
)");
    site.identifiers.push_back("www.site.example.com");
    site.challenge = {};
    site.challenge.type = "dns-01";
    site.challenge.dns_hook = hook.string();
    f.renew(site, true);
    const auto live = live_serial(site.output_dir);
    REQUIRE(live != first_serial);

    fs::copy_file(snapshot, state_file, fs::copy_options::overwrite_existing);
    auto crashed = f.state("site");
    REQUIRE(crashed.pending);
    CHECK(crashed.pending->order_url);
    REQUIRE(crashed.current);
    CHECK(crashed.current->serial_hex == first_serial);

    f.renew(site);
    check_finished(f, site, first_serial);
    auto state = f.state("site");
    // The live certificate was recorded, not replaced by a second one.
    CHECK(state.current->serial_hex == live);
    CHECK(state.history.size() == 2);
}

TEST_CASE("a pending renewal follows a key template changed since it began", "[pebble]") {
    ServiceFixture f("hwacme-service-crash-e");
    auto site = f.certificate("site");
    auto crashed = crashed_before_key(f, site);
    const auto old_key = generate_key(crashed.pending->key_uri);

    // The operator moves the keys before the rerun: key custody opens only what the
    // configuration names, so the rerun goes on with generation 2 at the new place.
    site.key_uri = "file:" + (f.tmp / "moved").string() + "/site-{generation}.pem";
    fs::create_directories(f.tmp / "moved");
    f.renew(site);
    auto state = f.state("site");
    REQUIRE(state.current);
    CHECK(state.current->key_uri == config::key_uri_for_generation(site.key_uri, 2));
    CHECK(state.current->key_generation == 2);
    CHECK(check_live_pair(site.output_dir) == state.current->key_uri);
    // The key the renewal began with is left alone, in its device.
    CHECK(key_spki(crashed.pending->key_uri) == old_key);
}
