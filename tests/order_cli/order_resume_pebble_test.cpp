#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include "agent/service/order_state.h"
#include "tests/order_cli/order_cli_support.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

TEST_CASE("an issue killed after its order was saved resumes that order on rerun", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-resume");
    std::string order_url = interrupted_order(pebble, tmp, {"resume.example.com"});
    auto saved = saved_orders(pebble, tmp).at(0).as_object();
    CHECK(saved.at("key").as_string() == "file:" + (tmp / "k.pem").string());
    CHECK(saved.at("directory").as_string() == pebble.directory_url());
    CHECK_FALSE(fs::exists(tmp / "out" / "cert.pem"));
    CHECK(authorization_statuses(pebble, tmp, order_url) == std::vector<std::string>{"pending"});

    auto rerun = run_hwacme(dns01_issue(pebble, tmp, {"resume.example.com"}, kWorkingHook),
                            hook_env(pebble));
    INFO(rerun.stderr_text);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.stderr_text.find("resuming order " + order_url + " (pending)") !=
          std::string::npos);
    // No newOrder: a new order would be logged as "order URL is pending".
    CHECK(rerun.stderr_text.find(" is pending") == std::string::npos);
    CHECK(fs::exists(tmp / "out" / "cert.pem"));
    CHECK(saved_orders(pebble, tmp).empty());
    auto order = order_json(pebble, tmp, {"show", "--order", order_url});
    CHECK(order.at("status").as_string() == "valid");
    CHECK(order.contains("certificate"));
}

TEST_CASE("a saved order whose validation failed is replaced by a new order on rerun", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-failed");
    auto env = hook_env(pebble);
    env.push_back("HOOK_PUBLISH_WRONG_VALUE=1");
    auto failed = run_hwacme(dns01_issue(pebble, tmp, {"failed.example.com"}, kWorkingHook), env);
    REQUIRE(failed.exit_code == 1);
    auto saved = saved_orders(pebble, tmp);
    REQUIRE(saved.size() == 1);
    std::string failed_url(saved.at(0).at("order_url").as_string());

    auto rerun = run_hwacme(dns01_issue(pebble, tmp, {"failed.example.com"}, kWorkingHook),
                            hook_env(pebble));
    INFO(rerun.stderr_text);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.stderr_text.find("not resuming order " + failed_url + ": it is invalid") !=
          std::string::npos);
    std::smatch new_order;
    REQUIRE(std::regex_search(rerun.stderr_text, new_order, std::regex("order (\\S+) is pending")));
    CHECK(new_order[1].str() != failed_url);
    CHECK(fs::exists(tmp / "out" / "cert.pem"));
    CHECK(saved_orders(pebble, tmp).empty());
}

TEST_CASE("a saved order for other names is not resumed", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-names");
    std::string first = interrupted_order(pebble, tmp, {"first.example.com"});
    auto other = run_hwacme(dns01_issue(pebble, tmp, {"second.example.com"}, kWorkingHook),
                            hook_env(pebble));
    INFO(other.stderr_text);
    REQUIRE(other.exit_code == 0);
    CHECK(other.stderr_text.find("resuming") == std::string::npos);
    // The first issuance's record stays for its own rerun.
    auto saved = saved_orders(pebble, tmp);
    REQUIRE(saved.size() == 1);
    CHECK(saved.at(0).at("order_url").as_string() == first);
}

TEST_CASE("a saved order that is already valid is downloaded again without any challenge",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-valid");
    auto first =
        run_hwacme(dns01_issue(pebble, tmp, {"valid.example.com"}, kWorkingHook), hook_env(pebble));
    REQUIRE(first.exit_code == 0);
    std::smatch order;
    REQUIRE(std::regex_search(first.stderr_text, order, std::regex("order (\\S+) is pending")));
    std::string order_url = order[1].str();
    fs::rename(tmp / "out", tmp / "first");
    // As if the first run had died between the download and writing the files.
    hwacme::service::save_order(
        tmp / "state",
        {pebble.directory_url(),
         {"valid.example.com"},
         "file:" + (tmp / "k.pem").string(),
         order_url,
         std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now())});

    // The killing hook proves that no challenge is presented: it would end the run.
    auto rerun =
        run_hwacme(dns01_issue(pebble, tmp, {"valid.example.com"}, kKillingHook), hook_env(pebble));
    INFO(rerun.stderr_text);
    REQUIRE(rerun.exit_code == 0);
    CHECK(rerun.stderr_text.find("resuming order " + order_url + " (valid)") != std::string::npos);
    auto cert = [](const fs::path& pem) {
        return run_command({"openssl", "x509", "-in", pem.string(), "-noout", "-serial"})
            .stdout_text;
    };
    CHECK(cert(tmp / "out" / "cert.pem") == cert(tmp / "first" / "cert.pem"));
    CHECK(saved_orders(pebble, tmp).empty());
}
