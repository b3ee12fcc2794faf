#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

class Operator {
public:
    Operator(const PebbleFixture& pebble, const TempDir& tmp) : options_(ca_options(pebble, tmp)) {}

    CommandResult run(std::vector<std::string> args) const {
        args.insert(args.end(), options_.begin(), options_.end());
        auto result = run_hwacme(args);
        UNSCOPED_INFO("hwacme stderr: " << result.stderr_text);
        return result;
    }
    boost::json::object show_json(std::vector<std::string> extra = {}) const {
        std::vector<std::string> args{"account", "show", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto result = run(args);
        REQUIRE(result.exit_code == 0);
        return boost::json::parse(result.stdout_text).as_object();
    }

private:
    std::vector<std::string> options_;
};

}  // namespace

TEST_CASE("a lost state folder is rebuilt from the account key alone", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-account");
    Operator op(pebble, tmp);
    auto key = "file:" + (tmp / "acct.pem").string();
    REQUIRE(op.run({"account", "register", "--account-key", key, "--agree-tos", "--email",
                    "ops@example.com"})
                .exit_code == 0);
    auto before = op.show_json();
    CHECK(before.at("status").as_string() == "valid");
    CHECK(before.at("contacts").as_array().at(0).as_string() == "mailto:ops@example.com");

    fs::remove_all(tmp / "state");
    auto lost = op.run({"account", "show"});
    CHECK(lost.exit_code == 1);
    CHECK(lost.stderr_text.find("hwacme account register") != std::string::npos);

    auto recovered = op.show_json({"--account-key", key});
    CHECK(recovered.at("account_url") == before.at("account_url"));
    CHECK(recovered.at("account_key").as_string() == key);
    CHECK(op.show_json().at("account_url") == before.at("account_url"));
}

TEST_CASE("recovery with a key the CA does not know says so and generates nothing", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-account");
    Operator op(pebble, tmp);
    auto unknown = "file:" + (tmp / "stranger.pem").string();
    REQUIRE(run_hwacme({"key", "generate", unknown}).exit_code == 0);
    auto result = op.run({"account", "show", "--account-key", unknown});
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("--agree-tos") != std::string::npos);
    auto missing =
        op.run({"account", "show", "--account-key", "file:" + (tmp / "never-made.pem").string()});
    CHECK(missing.exit_code == 1);
    CHECK_FALSE(fs::exists(tmp / "never-made.pem"));
}

TEST_CASE("account update replaces the contacts", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-account");
    Operator op(pebble, tmp);
    REQUIRE(op.run({"account", "register", "--account-key", "file:" + (tmp / "acct.pem").string(),
                    "--agree-tos", "--email", "old@example.com"})
                .exit_code == 0);
    REQUIRE(op.run({"account", "update", "--email", "a@example.com", "--email", "b@example.com"})
                .exit_code == 0);
    auto contacts = op.show_json().at("contacts").as_array();
    REQUIRE(contacts.size() == 2);
    CHECK(contacts[0].as_string() == "mailto:a@example.com");
    CHECK(contacts[1].as_string() == "mailto:b@example.com");
    CHECK(op.run({"account", "update", "--email", "not-an-address"}).exit_code == 1);
}

TEST_CASE("rollover moves the account to a new key and keeps the old key file", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-account");
    Operator op(pebble, tmp);
    auto old_key = "file:" + (tmp / "old.pem").string();
    auto new_key = "file:" + (tmp / "new.pem").string();
    REQUIRE(op.run({"account", "register", "--account-key", old_key, "--agree-tos"}).exit_code ==
            0);
    auto url = op.show_json().at("account_url");
    auto rolled = op.run({"account", "rollover", "--new-key", new_key, "--key-type", "ec-p384"});
    REQUIRE(rolled.exit_code == 0);
    CHECK(fs::exists(tmp / "old.pem"));
    auto after = op.show_json();
    CHECK(after.at("account_url") == url);
    CHECK(after.at("account_key").as_string() == new_key);
    // The CA no longer knows the old key: a lookup with it finds no account.
    fs::remove_all(tmp / "state");
    CHECK(op.run({"account", "show", "--account-key", old_key}).exit_code == 1);
    CHECK(op.show_json({"--account-key", new_key}).at("account_url") == url);
}

TEST_CASE("deactivation needs --yes and then the CA refuses the account", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-account");
    Operator op(pebble, tmp);
    auto key = "file:" + (tmp / "acct.pem").string();
    REQUIRE(op.run({"account", "register", "--account-key", key, "--agree-tos"}).exit_code == 0);
    auto unconfirmed = op.run({"account", "deactivate"});
    CHECK(unconfirmed.exit_code == 1);
    CHECK(unconfirmed.stderr_text.find("--yes") != std::string::npos);
    CHECK(op.show_json().at("status").as_string() == "valid");
    auto done = op.run({"account", "deactivate", "--yes"});
    CHECK(done.exit_code == 0);
    CHECK(done.stdout_text.find("deactivated") != std::string::npos);
    CHECK(fs::exists(tmp / "acct.pem"));
    auto refused = op.run({"account", "show", "--account-key", key});
    CHECK(refused.exit_code == 1);
    CHECK(refused.stderr_text.find("deactivated") != std::string::npos);
}
