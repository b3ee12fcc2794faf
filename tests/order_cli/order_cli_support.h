#pragma once

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/pebble_fixture.h"

namespace hwacme::test {

/// dns-01 hooks: one that publishes through challtestsrv, one that kills hwacme on `add`.
inline const std::string kWorkingHook =
    std::string(HWACME_SOURCE_DIR) + "/tests/cli/challtestsrv-dns-hook";
inline const std::string kKillingHook =
    std::string(HWACME_SOURCE_DIR) + "/tests/order_cli/kill-parent-dns-hook";

/// The options that pick the CA, its TLS trust and the state folder.
inline std::vector<std::string> ca_args(const PebbleFixture& pebble, const TempDir& tmp) {
    return {"--server",    pebble.directory_url(),  "--ca-bundle", pebble.tls_ca_path().string(),
            "--state-dir", (tmp / "state").string()};
}

/// `hwacme issue` of `names` over dns-01 through `hook`, with one account and one key per folder.
inline std::vector<std::string> dns01_issue(const PebbleFixture& pebble, const TempDir& tmp,
                                            const std::vector<std::string>& names,
                                            const std::string& hook) {
    std::vector<std::string> args{"issue"};
    for (const auto& name : names) args.insert(args.end(), {"-d", name});
    args.insert(args.end(), {"--key", "file:" + (tmp / "k.pem").string(), "--account-key",
                             "file:" + (tmp / "acct.pem").string(), "--agree-tos", "--challenge",
                             "dns-01", "--dns-hook", hook, "--out", (tmp / "out").string()});
    auto ca = ca_args(pebble, tmp);
    args.insert(args.end(), ca.begin(), ca.end());
    return args;
}

inline std::vector<std::string> hook_env(const PebbleFixture& pebble) {
    return {"CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url()};
}

/// Runs `hwacme order VERB ARGS… --json` against the fixture's CA and parses its JSON object.
inline boost::json::object order_json(const PebbleFixture& pebble, const TempDir& tmp,
                                      std::vector<std::string> args) {
    args.insert(args.begin(), "order");
    args.push_back("--json");
    auto ca = ca_args(pebble, tmp);
    args.insert(args.end(), ca.begin(), ca.end());
    auto result = run_hwacme(args);
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return boost::json::parse(result.stdout_text).as_object();
}

/// The saved in-flight orders, as `hwacme order list --json` prints them.
inline boost::json::array saved_orders(const PebbleFixture& pebble, const TempDir& tmp) {
    return order_json(pebble, tmp, {"list"}).at("orders").as_array();
}

/// The status of each authorization of an order, as `hwacme order show` fetches it.
inline std::vector<std::string> authorization_statuses(const PebbleFixture& pebble,
                                                       const TempDir& tmp,
                                                       const std::string& order_url) {
    std::vector<std::string> statuses;
    auto order = order_json(pebble, tmp, {"show", "--order", order_url});
    for (const auto& authz : order.at("authorizations").as_array())
        statuses.emplace_back(authz.at("status").as_string());
    return statuses;
}

/// Interrupts an issuance with SIGKILL once its order is saved; returns the saved order URL.
inline std::string interrupted_order(const PebbleFixture& pebble, const TempDir& tmp,
                                     const std::vector<std::string>& names) {
    auto killed = run_hwacme(dns01_issue(pebble, tmp, names, kKillingHook), hook_env(pebble));
    INFO(killed.stderr_text);
    REQUIRE(killed.exit_code == 128 + 9);
    auto wanted = names;
    std::sort(wanted.begin(), wanted.end());
    for (const auto& saved : saved_orders(pebble, tmp)) {
        std::vector<std::string> saved_names;
        for (const auto& name : saved.at("names").as_array())
            saved_names.emplace_back(name.as_string());
        if (saved_names == wanted) return std::string(saved.at("order_url").as_string());
    }
    FAIL("no saved order for " + names.front());
    return {};
}

}  // namespace hwacme::test
