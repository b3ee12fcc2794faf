// When renew_certificate renews: a certificate never issued is due at once, one just issued is
// not due until the renew_at its state chose, and reaching that time is enough, without force.

#include <catch2/catch.hpp>

#include "agent/config/key_template.h"
#include "tests/service/service_fixture.h"
#include "tests/support/slurp.h"

using namespace hwacme;
using namespace hwacme::test::service;

TEST_CASE("renewal is due on the first run and again once the clock reaches renew_at", "[pebble]") {
    ServiceFixture f("hwacme-service-decision");
    const auto site = f.certificate("site");
    const auto started = f.now;

    auto first = f.renew(site);
    INFO(first);
    CHECK(first.rfind("site: renewed: serial ", 0) == 0);
    auto issued = f.state("site");
    REQUIRE(issued.current);
    REQUIRE(issued.renew_at);
    const auto first_serial = issued.current->serial_hex;
    const auto renew_at = *issued.renew_at;
    CHECK(issued.current->key_uri == config::key_uri_for_generation(site.key_uri, 1));
    CHECK(renew_at > started);
    CHECK(renew_at < issued.current->not_after);
    CHECK_FALSE(issued.pending);
    REQUIRE(issued.history.size() == 1);
    CHECK(issued.history[0].at == started);
    CHECK(live_serial(site.output_dir) == first_serial);

    // Same fake time: nothing may change, not even a key made in advance.
    const auto state_file = manage::certificate_state_path(f.state_dir(), "site");
    const auto saved = test::slurp(state_file);
    auto second = f.renew(site);
    CHECK(test::slurp(state_file) == saved);
    CHECK(second.find("site: not due (next renewal at ") == 0);
    auto unchanged = f.state("site");
    REQUIRE(unchanged.current);
    CHECK(unchanged.current->serial_hex == first_serial);
    CHECK(unchanged.renew_at == issued.renew_at);
    CHECK(unchanged.last_key_generation == 1);
    CHECK(unchanged.history.size() == 1);
    CHECK(files_in(f.tmp / "keys") == std::set<std::string>{"site-1.pem"});
    CHECK(files_in(site.output_dir / "releases") == std::set<std::string>{first_serial});

    // The last second before renew_at is still not due.
    f.now = renew_at - std::chrono::seconds(1);
    CHECK(f.renew(site).find("site: not due") == 0);
    CHECK(f.state("site").current->serial_hex == first_serial);

    f.now = renew_at + std::chrono::seconds(1);
    auto third = f.renew(site);
    INFO(third);
    CHECK(third.rfind("site: renewed: serial ", 0) == 0);
    auto renewed = f.state("site");
    REQUIRE(renewed.current);
    CHECK(renewed.current->serial_hex != first_serial);
    CHECK(renewed.current->key_uri == config::key_uri_for_generation(site.key_uri, 2));
    // Pebble dates the certificate by the real clock, not the fake one: the time chosen is
    // checked against the certificate's own lifetime.
    REQUIRE(renewed.renew_at);
    CHECK(*renewed.renew_at > renewed.current->not_before);
    CHECK(*renewed.renew_at < renewed.current->not_after);
    REQUIRE(renewed.history.size() == 2);
    CHECK(renewed.history[1].at == f.now);
    CHECK(renewed.history[1].serial_hex == renewed.current->serial_hex);
    CHECK(live_serial(site.output_dir) == renewed.current->serial_hex);
    CHECK(check_live_pair(site.output_dir) == renewed.current->key_uri);
}
