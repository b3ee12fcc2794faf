#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "agent/acme/renewal_info.h"
#include "tests/ari/proxy_cli_support.h"

using namespace hwacme;
using namespace hwacme::test;

TEST_CASE("issue --profile sends the profile when the CA offers it", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, offering_profiles({"classic", "shortlived"}));
    TempDir tmp("hwacme-profile");
    auto issued = issue_through(proxy, pebble, tmp, "profile.example.com", "out",
                                {"--profile", "shortlived"});
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK(std::filesystem::exists(tmp / "out" / "cert.pem"));
    auto orders = proxy.new_orders();
    REQUIRE(orders.size() == 1);
    CHECK(orders[0].at("profile").as_string() == "shortlived");
    CHECK_FALSE(orders[0].contains("replaces"));
}

TEST_CASE("issue --profile that the CA does not offer fails in one line before any order",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-no-profile");

    SECTION("other profiles are offered") {
        TestOnlyAcmeProxy proxy(pebble, offering_profiles({"classic", "shortlived"}));
        auto result =
            issue_through(proxy, pebble, tmp, "p.example.com", "out", {"--profile", "tlsserver"});
        CHECK(result.exit_code == 1);
        auto error = last_line(result.stderr_text);
        CHECK(error.find("hwacme: ") == 0);
        CHECK(error.find("'tlsserver'") != std::string::npos);
        CHECK(error.find("classic, shortlived") != std::string::npos);
        CHECK(proxy.new_orders().empty());
        CHECK_FALSE(std::filesystem::exists(tmp / "out"));
    }
    SECTION("the directory lists no profiles at all") {
        TestOnlyAcmeProxy proxy(pebble);
        auto result =
            issue_through(proxy, pebble, tmp, "p.example.com", "out", {"--profile", "classic"});
        CHECK(result.exit_code == 1);
        auto error = last_line(result.stderr_text);
        CHECK(error.find("hwacme: ") == 0);
        CHECK(error.find("'classic'") != std::string::npos);
        CHECK(error.find("lists no profiles") != std::string::npos);
        CHECK(proxy.new_orders().empty());
    }
}

TEST_CASE("issue --replaces names the replaced certificate's ARI id in newOrder", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble);
    TempDir tmp("hwacme-replaces");
    auto first = issue_through(proxy, pebble, tmp, "renew.example.com", "old");
    INFO(first.stderr_text);
    REQUIRE(first.exit_code == 0);
    auto old_cert = tmp / "old" / "cert.pem";

    auto renewed = issue_through(proxy, pebble, tmp, "renew.example.com", "new",
                                 {"--replaces", old_cert.string()});
    INFO(renewed.stderr_text);
    REQUIRE(renewed.exit_code == 0);
    auto orders = proxy.new_orders();
    REQUIRE(orders.size() == 2);
    CHECK_FALSE(orders[0].contains("replaces"));
    CHECK(orders[1].at("replaces").as_string() ==
          acme::ari_certificate_id(read_certificate(old_cert).get()));
}
