#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

// A MAC key as CAs hand them out: base64url of random bytes.
constexpr const char* kMacKey = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
constexpr const char* kKid = "kid-hwacme-test";

fs::path write_key_file(const TempDir& tmp, const std::string& name, const std::string& key) {
    auto path = tmp / name;
    std::ofstream(path) << key << "\n";
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    return path;
}

std::vector<std::string> register_args(const PebbleFixture& pebble, const TempDir& tmp) {
    return join({"account", "register", "--account-key", "file:" + (tmp / "acct.pem").string(),
                 "--agree-tos"},
                ca_options(pebble, tmp));
}

}  // namespace

TEST_CASE("a CA that requires EAB registers an account bound with the right MAC key", "[pebble]") {
    PebbleOptions options;
    options.eab_kid = kKid;
    options.eab_key = kMacKey;
    PebbleFixture pebble(options);
    TempDir tmp("hwacme-eab");

    SECTION("without a binding the CA's requirement is named") {
        auto result = run_hwacme(register_args(pebble, tmp));
        CHECK(result.exit_code == 1);
        CHECK(result.stderr_text.find("externalAccountRequired") != std::string::npos);
    }
    SECTION("a wrong MAC key is refused in one line") {
        auto args = register_args(pebble, tmp);
        auto wrong = write_key_file(tmp, "wrong-mac", "c2VjcmV0LWJ1dC13cm9uZy1rZXktMDEyMzQ1Njc4OQ");
        args.insert(args.end(), {"--eab-kid", kKid, "--eab-hmac-key-file", wrong.string()});
        auto result = run_hwacme(args);
        CHECK(result.exit_code == 1);
        // The account key was generated before the CA refused; the error itself is one line.
        auto error_at = result.stderr_text.find("hwacme: ");
        REQUIRE(error_at != std::string::npos);
        auto error_line = result.stderr_text.substr(error_at);
        CHECK(error_line.find("newAccount") != std::string::npos);
        CHECK(error_line.find('\n') == error_line.size() - 1);
    }
    SECTION("the right key binds the account, and the key never appears in argv or output") {
        auto args = register_args(pebble, tmp);
        auto right = write_key_file(tmp, "mac", kMacKey);
        args.insert(args.end(), {"--eab-kid", kKid, "--eab-hmac-key-file", right.string()});
        auto result = run_hwacme(args);
        INFO(result.stderr_text);
        CHECK(result.exit_code == 0);
        CHECK(result.stdout_text.find("account: https://") != std::string::npos);
        CHECK((result.stdout_text + result.stderr_text).find(kMacKey) == std::string::npos);
    }
}
