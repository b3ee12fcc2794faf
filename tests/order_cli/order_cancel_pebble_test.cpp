#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/order_cli/order_cli_support.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> cancel(const PebbleFixture& pebble, const TempDir& tmp,
                                std::vector<std::string> args) {
    args.insert(args.begin(), {"order", "cancel"});
    auto ca = ca_args(pebble, tmp);
    args.insert(args.end(), ca.begin(), ca.end());
    return args;
}

}  // namespace

TEST_CASE("order cancel by names deactivates the authorizations and forgets the order",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-cancel");
    std::string url =
        interrupted_order(pebble, tmp, {"a.cancel.example.com", "b.cancel.example.com"});
    CHECK(authorization_statuses(pebble, tmp, url) ==
          std::vector<std::string>{"pending", "pending"});

    // Names in another order and case than the issue had: the same set.
    auto result = run_hwacme(
        cancel(pebble, tmp, {"-d", "B.cancel.example.com", "-d", "a.cancel.example.com"}));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(result.stdout_text.find("deactivated dns:a.cancel.example.com") != std::string::npos);
    CHECK(result.stdout_text.find("deactivated dns:b.cancel.example.com") != std::string::npos);
    CHECK(authorization_statuses(pebble, tmp, url) ==
          std::vector<std::string>{"deactivated", "deactivated"});
    CHECK(saved_orders(pebble, tmp).empty());
}

TEST_CASE("order cancel --all cancels every saved order of the CA", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-cancel-all");
    std::string one = interrupted_order(pebble, tmp, {"one.example.com"});
    std::string two = interrupted_order(pebble, tmp, {"two.example.com"});
    REQUIRE(saved_orders(pebble, tmp).size() == 2);

    auto result = run_hwacme(cancel(pebble, tmp, {"--all"}));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(result.stdout_text.find("order " + one + ": 1 of 1") != std::string::npos);
    CHECK(result.stdout_text.find("order " + two + ": 1 of 1") != std::string::npos);
    CHECK(authorization_statuses(pebble, tmp, one) == std::vector<std::string>{"deactivated"});
    CHECK(authorization_statuses(pebble, tmp, two) == std::vector<std::string>{"deactivated"});
    CHECK(saved_orders(pebble, tmp).empty());
}

TEST_CASE("order cancel of an order URL the CA does not know fails with one line", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-unknown");
    std::string url = interrupted_order(pebble, tmp, {"known.example.com"});
    std::string unknown = url.substr(0, url.rfind('/') + 1) + "no-such-order";

    auto result = run_hwacme(cancel(pebble, tmp, {"--order", unknown}));
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.rfind("hwacme: ", 0) == 0);
    CHECK(result.stderr_text.find("does not know order " + unknown) != std::string::npos);
    CHECK(result.stderr_text.find('\n') == result.stderr_text.size() - 1);
    // The saved order of another issuance is left alone.
    CHECK(saved_orders(pebble, tmp).size() == 1);
    CHECK(authorization_statuses(pebble, tmp, url) == std::vector<std::string>{"pending"});
}

TEST_CASE("order cancel without an order to cancel is a usage error", "[unit]") {
    TempDir tmp("hwacme-order-usage");
    auto none = run_hwacme({"order", "cancel", "--state-dir", (tmp / "state").string()});
    CHECK(none.exit_code == 2);
    auto both = run_hwacme({"order", "cancel", "--all", "-d", "a.example.com", "--state-dir",
                            (tmp / "state").string()});
    CHECK(both.exit_code == 2);
    auto list = run_hwacme({"order", "list", "--json", "--state-dir", (tmp / "state").string()});
    CHECK(list.exit_code == 0);
    CHECK(list.stdout_text == "{\"orders\":[]}\n");
}
