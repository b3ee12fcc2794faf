// `hwacme revoke` signing in the token: with the account key (kid form), and with the
// certificate's own key and no account (jwk form, RFC 8555 §7.6).
#include <catch2/catch.hpp>

#include "tests/pkcs11/pkcs11_cli_support.h"
#include "tests/pkcs11/softhsm_fixture.h"

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

namespace {

/// Pebble answers a second revocation with alreadyRevoked: the proof the first one took hold,
/// and the CLI must say so in one line.
void check_already_revoked(const CommandResult& again) {
    check_one_line_failure(again);
    CHECK(again.stderr_text.find("already revoked") != std::string::npos);
}

}  // namespace

TEST_CASE("token keys revoke certificates as the account and as the certificate key",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-e2e");
    TempDir tmp("hwacme-p11-revoke");
    const auto options = ca_options(pebble, tmp);
    auto issue = [&](const std::string& name, const std::string& key, const std::string& out) {
        auto issued = run_hwacme(
            join(join({"issue", "-d", name, "--key", token.uri_for(key), "--account-key",
                       token.uri_for("account"), "--agree-tos", "--out", (tmp / out).string()},
                      http01_options(pebble)),
                 options));
        INFO(issued.stderr_text);
        REQUIRE(issued.exit_code == 0);
        return (tmp / out / "cert.pem").string();
    };
    const auto by_account = issue("one.example.com", "web-one", "one");
    const auto by_own_key = issue("two.example.com", "web-two", "two");

    auto revoked =
        run_hwacme(join({"revoke", "--cert", by_account, "--reason", "superseded"}, options));
    INFO(revoked.stderr_text);
    CHECK(revoked.exit_code == 0);
    CHECK(revoked.stdout_text.find("revoked: " + by_account) == 0);

    // No --state-dir: a request signed by the certificate's key needs no account at all.
    auto own =
        run_hwacme({"revoke", "--cert", by_own_key, "--cert-key", token.uri_for("web-two"),
                    "--reason", "keyCompromise", "--server", pebble.directory_url(), "--ca-bundle",
                    pebble.tls_ca_path().string(), "--state-dir", (tmp / "empty-state").string()});
    INFO(own.stderr_text);
    CHECK(own.exit_code == 0);
    CHECK(own.stdout_text.find("revoked: " + by_own_key) == 0);
    CHECK_FALSE(fs::exists(tmp / "empty-state" / "accounts"));

    check_already_revoked(run_hwacme(join({"revoke", "--cert", by_account}, options)));
    check_already_revoked(run_hwacme(
        join({"revoke", "--cert", by_own_key, "--cert-key", token.uri_for("web-two")}, options)));

    // The other certificate's key does not certify this one: refused before any request.
    auto wrong_key = run_hwacme(
        join({"revoke", "--cert", by_account, "--cert-key", token.uri_for("web-two")}, options));
    check_one_line_failure(wrong_key);
    CHECK(wrong_key.stderr_text.find("does not certify") != std::string::npos);
}
