// What `hwacme renew` does when things go wrong that are not a crash: a certificate whose
// challenge cannot succeed fails alone (the others renew, the exit code says so, its key stays
// known and is reused on the next attempt), and a second renew refuses to share the state
// folder with one that is running.

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/renew/renew_support.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE(
    "a certificate whose challenge fails does not stop the others and a second renew "
    "refuses the lock",
    "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-renew-failure");
    auto hooks = write_hooks(tmp.path());
    fs::create_directories(tmp / "keys");
    std::vector<ManagedCertificate> certificates{
        failing_certificate(tmp.path()),
        {.name = "good",
         .identifiers = {"good.example.com"},
         .key = "file:" + (tmp / "keys").string() + "/good.pem",
         .key_policy = "reuse",
         .challenge = http01(pebble),
         .output_dir = tmp / "out" / "good",
         .deploy_hook = hooks.deploy.string()}};
    auto config = write_config(tmp.path(), pebble, certificates);
    auto env = hooks.env(pebble);

    auto run = run_configured(config, {"renew"}, env);
    INFO("renew stderr: " << run.stderr_text);
    CHECK(run.exit_code == 1);
    CHECK(run.stdout_text.find("good: renewed") != std::string::npos);
    auto errors = lines_of(run.stderr_text);
    auto failure = std::find_if(errors.begin(), errors.end(), [](const std::string& line) {
        return line.rfind("hwacme: broken: ", 0) == 0;
    });
    REQUIRE(failure != errors.end());
    CHECK(failure->find("broken.example.com") != std::string::npos);
    CHECK(errors.back() == "hwacme: renewal failed for broken");
    CHECK(check_live_pair(tmp / "out" / "good") == "file:" + (tmp / "keys" / "good.pem").string());
    CHECK_FALSE(fs::exists(tmp / "out" / "broken" / "current"));

    auto states = status_of(config);
    const auto& broken = states["broken"];
    CHECK(broken.at("current").is_null());
    CHECK(text(broken.at("last_error")) == failure->substr(std::string("hwacme: broken: ").size()));
    // The key of the failed attempt is known to the state, and the next attempt uses it again.
    const auto& pending = broken.at("pending").as_object();
    auto pending_key = "file:" + (tmp / "keys" / "broken-1.pem").string();
    CHECK(text(pending.at("key_uri")) == pending_key);
    CHECK(key_exists(pending_key));
    CHECK(text(states["good"].at("last_error")).empty());

    auto listed = run_configured(config, {"list", "--json"});
    REQUIRE(listed.exit_code == 0);
    auto rows = boost::json::parse(listed.stdout_text).at("certificates").as_array();
    for (const auto& item : rows) {
        const auto& row = item.as_object();
        if (text(row.at("name")) == "broken") {
            CHECK(row.at("due").as_bool());
            CHECK(text(row.at("reason")) == "not issued yet");
            CHECK(row.at("not_after").is_null());
        } else {
            CHECK_FALSE(row.at("due").as_bool());
            CHECK_FALSE(row.at("not_after").is_null());
        }
    }

    SECTION("the retry reuses the failed attempt's key") {
        auto retry = run_configured(config, {"renew", "--cert", "broken"}, env);
        CHECK(retry.exit_code == 1);
        CHECK(retry.stdout_text.find("good") == std::string::npos);
        CHECK(files_in(tmp / "keys") == std::set<std::string>{"broken-1.pem", "good.pem"});
        CHECK(text(status_of(config)["broken"].at("pending").at("key_uri")) == pending_key);
    }

    SECTION("a failing deploy hook keeps the new certificate and is retried on the next run") {
        write_text(hooks.record_dir / "fail", "");
        auto failed = run_configured(config, {"renew", "--cert", "good", "--force"}, env);
        INFO("renew stderr: " << failed.stderr_text);
        CHECK(failed.exit_code == 1);
        auto good = status_of(config)["good"];
        auto serial = text(good.at("current").at("serial"));
        CHECK(failed.stderr_text.find("hwacme: good: serial " + serial +
                                      " is installed but its deploy hook failed") !=
              std::string::npos);
        CHECK(good.at("deploy_pending").as_bool());
        CHECK(text(good.at("last_error")).find("deploy hook") != std::string::npos);
        CHECK(check_live_pair(tmp / "out" / "good") ==
              "file:" + (tmp / "keys" / "good.pem").string());
        CHECK(text(good.at("history").as_array().back().at("serial")) == serial);

        fs::remove(hooks.record_dir / "fail");
        auto retried = run_configured(config, {"renew", "--cert", "good"}, env);
        INFO("retry stderr: " << retried.stderr_text);
        CHECK(retried.exit_code == 0);
        CHECK(retried.stdout_text.find("good: not due") != std::string::npos);
        CHECK(retried.stdout_text.find("deploy hook rerun") != std::string::npos);
        auto deploys = slurp(hooks.record_dir / "deploys");
        CHECK(deploys.ends_with("good " + serial + "\n"));
        good = status_of(config)["good"];
        CHECK_FALSE(good.at("deploy_pending").as_bool());
        CHECK(text(good.at("last_error")).empty());
    }

    SECTION("a second renew refuses while the first one runs") {
        write_text(hooks.record_dir / "hold", "");
        std::vector<std::string> argv{std::string(HWACME_BINARY_DIR) + "/hwacme",
                                      "--config",
                                      config.string(),
                                      "renew",
                                      "--cert",
                                      "good",
                                      "--force"};
        Process first(
            argv, {.env = env, .stdout_path = tmp / "first.out", .stderr_path = tmp / "first.err"});
        wait_for_file(hooks.record_dir / "holding");  // inside its deploy hook, lock held

        auto second = run_configured(config, {"renew"}, env);
        INFO("second stderr: " << second.stderr_text);
        CHECK(second.exit_code == 1);
        CHECK(lines_of(second.stderr_text).size() == 1);
        CHECK(second.stderr_text.find("another hwacme (pid " + std::to_string(first.pid()) +
                                      ") is working on " + (tmp / "state").string()) !=
              std::string::npos);
        // Reading needs no lock.
        CHECK(run_configured(config, {"status"}).exit_code == 0);

        fs::remove(hooks.record_dir / "hold");
        auto code = first.wait_for_exit(std::chrono::seconds(60));
        INFO("first stderr: " << slurp(tmp / "first.err"));
        REQUIRE(code.has_value());
        CHECK(*code == 0);
        CHECK(slurp(tmp / "first.out").find("good: renewed") != std::string::npos);
    }
}

TEST_CASE("a dry run whose plan fails leaves no scratch folder behind", "[cli]") {
    TempDir tmp("hwacme-renew-dry-plan");
    fs::create_directories(tmp / "temp");
    write_text(tmp / "hwacme.json",
               R"({"state_dir": ")" + (tmp / "state").string() +
                   R"(", "ca": {"directory": "https://127.0.0.1:1/dir", "account_key": "file:)" +
                   (tmp / "account.pem").string() +
                   R"(", "agree_tos": true, "eab": {"kid": "k1", "hmac_key_file": ")" +
                   (tmp / "missing.key").string() +
                   R"("}}, "certificates": [{"name": "www", "identifiers": ["www.example.com"],
                   "key": "file:)" +
                   (tmp / "www-{generation}.pem").string() + R"(", "output_dir": ")" +
                   (tmp / "out").string() + R"("}]})");
    // Key custody makes the dry run's scratch folder in TMPDIR before it reads the EAB key.
    auto dry = run_configured(tmp / "hwacme.json", {"renew", "--dry-run"},
                              {"TMPDIR=" + (tmp / "temp").string()});
    CHECK(dry.exit_code != 0);
    CHECK_THAT(dry.stderr_text, Catch::Contains("the EAB MAC key file"));
    CHECK(files_in(tmp / "temp").empty());
}
