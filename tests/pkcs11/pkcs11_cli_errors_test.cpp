// Bad pkcs11: input through the CLI: one line on stderr that says why, exit 1, no PIN in the
// message, and no file written.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "common/atomic_file.h"
#include "tests/pkcs11/pkcs11_cli_support.h"
#include "tests/pkcs11/raw_token.h"
#include "tests/pkcs11/softhsm_fixture.h"

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

namespace {

// Stand-ins for secrets an operator might put in the wrong place; they must never be echoed.
const std::string kWrongPin = "wrong-pin-0815";
const std::string kInlinePin = "inline-pin-4711";

/// The URI of `object` on the fixture's token with its pin-source replaced by `pin_file`.
std::string uri_with_pin_file(const SoftHsmToken& token, const std::string& object,
                              const fs::path& pin_file) {
    return "pkcs11:token=" + token.token_label() + ";object=" + object +
           "?module-path=" + token.module_path() + "&pin-source=file:" + pin_file.string();
}

/// Checks a failure names `expected` and leaks neither the token's PIN nor a stand-in secret.
void check_failure(const CommandResult& result, const SoftHsmToken& token,
                   const std::string& expected) {
    check_one_line_failure(result);
    CHECK(result.stderr_text.find(expected) != std::string::npos);
    CHECK(result.stderr_text.find(token.pin()) == std::string::npos);
    CHECK(result.stderr_text.find(kWrongPin) == std::string::npos);
    CHECK(result.stderr_text.find(kInlinePin) == std::string::npos);
}

}  // namespace

TEST_CASE("key show names what is wrong with a pkcs11 URI in one line", "[softhsm]") {
    SoftHsmToken token("hwacme-e2e");
    TempDir tmp("hwacme-p11-show-errors");
    hwacme::write_file_atomic(tmp / "wrong-pin", kWrongPin, 0600);
    auto generated = run_hwacme({"key", "generate", token.uri_for("web"), "--type", "ec-p256"});
    REQUIRE(generated.exit_code == 0);

    check_failure(run_hwacme({"key", "show", uri_with_pin_file(token, "web", tmp / "wrong-pin")}),
                  token, "CKR_PIN_INCORRECT");
    check_failure(
        run_hwacme({"key", "show",
                    "pkcs11:token=no-such-token;object=web?module-path=" + token.module_path() +
                        "&pin-source=file:" + token.pin_file().string()}),
        token, "no-such-token");
    check_failure(run_hwacme({"key", "show", token.uri_for("absent")}), token, "absent");
    check_failure(run_hwacme({"key", "show",
                              "pkcs11:token=" + token.token_label() +
                                  ";object=web?module-path=/nonexistent/libpkcs11.so"
                                  "&pin-source=file:" +
                                  token.pin_file().string()}),
                  token, "/nonexistent/libpkcs11.so");
    check_failure(run_hwacme({"key", "show",
                              "pkcs11:token=" + token.token_label() + ";object=web?module-path=" +
                                  token.module_path() + "&pin-value=" + kInlinePin}),
                  token, "pin-value is refused");
}

TEST_CASE("issue refuses bad token keys and writes no file", "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-e2e");
    TempDir tmp("hwacme-p11-issue-errors");
    const auto options = ca_options(pebble, tmp);
    hwacme::write_file_atomic(tmp / "wrong-pin", kWrongPin, 0600);
    const auto out = tmp / "out";
    auto issue = [&](const std::string& key_uri, std::vector<std::string> extra = {}) {
        return run_hwacme(join(
            join(join({"issue", "-d", "bad.example.com", "--key", key_uri, "--out", out.string()},
                      http01_options(pebble)),
                 options),
            extra));
    };

    SECTION("a wrong PIN for the account key registers nothing") {
        check_failure(
            run_hwacme(join({"account", "register", "--account-key",
                             uri_with_pin_file(token, "account", tmp / "wrong-pin"), "--agree-tos"},
                            options)),
            token, "CKR_PIN_INCORRECT");
        CHECK(files_under(tmp / "state").empty());
    }

    SECTION("a second key on the logged-in token with a wrong PIN source is refused") {
        // The account key logs in with the right PIN; the token would take any PIN after that.
        auto registered = run_hwacme(
            join({"account", "register", "--account-key", token.uri_for("account"), "--agree-tos"},
                 options));
        INFO(registered.stderr_text);
        REQUIRE(registered.exit_code == 0);
        check_failure(
            issue(uri_with_pin_file(token, "web", tmp / "wrong-pin")), token,
            "differs from the one token '" + token.token_label() + "' was logged in with");
        CHECK_FALSE(fs::exists(out));
        auto issued = issue(token.uri_for("web"));
        INFO(issued.stderr_text);
        CHECK(issued.exit_code == 0);
    }

    SECTION("certificate key failures") {
        // A file account key: the certificate key's URI is the only login to the token per
        // process, so its PIN is the one checked (PKCS#11 logs in per process and token).
        auto registered = run_hwacme(join({"account", "register", "--account-key",
                                           "file:" + (tmp / "account.pem").string(), "--agree-tos"},
                                          options));
        INFO(registered.stderr_text);
        REQUIRE(registered.exit_code == 0);

        check_failure(issue(uri_with_pin_file(token, "web", tmp / "wrong-pin")), token,
                      "CKR_PIN_INCORRECT");
        check_failure(issue("pkcs11:token=no-such-token;object=web?module-path=" +
                            token.module_path() + "&pin-source=file:" + token.pin_file().string()),
                      token, "no-such-token");
        check_failure(issue("pkcs11:token=" + token.token_label() +
                            ";object=web?module-path=/nonexistent/libpkcs11.so&pin-source=file:" +
                            token.pin_file().string()),
                      token, "/nonexistent/libpkcs11.so");
        check_failure(issue("pkcs11:token=" + token.token_label() + ";object=web?module-path=" +
                            token.module_path() + "&pin-value=" + kInlinePin),
                      token, "pin-value is refused");
        CHECK_FALSE(fs::exists(out));

        // What a careless provisioning tool makes: a key whose CKA_EXTRACTABLE is TRUE.
        {
            RawToken raw(token.module_path(), token.token_label(), token.pin());
            raw.generate_extractable_ec("leaky", hwacme::Bytes{0x0e, 0x0e});
        }
        check_failure(issue(token.uri_for("leaky")), token, "CKA_EXTRACTABLE is TRUE");
        CHECK_FALSE(fs::exists(out));
        // key show states the facts of a key the custody check refuses, and why it is refused.
        auto refused = run_hwacme({"key", "show", token.uri_for("leaky")});
        CHECK(refused.exit_code == 0);
        CHECK(refused.stdout_text.find("extractable: yes\n") != std::string::npos);
        CHECK(refused.stdout_text.find("usable: no (") != std::string::npos);
        CHECK(refused.stdout_text.find("CKA_EXTRACTABLE is TRUE") != std::string::npos);
        auto shown = run_hwacme({"--allow-extractable", "key", "show", token.uri_for("leaky")});
        CHECK(shown.stdout_text.find("extractable: yes\n") != std::string::npos);

        auto allowed = issue(token.uri_for("leaky"), {"--allow-extractable"});
        INFO(allowed.stderr_text);
        REQUIRE(allowed.exit_code == 0);
        hwacme::keystore::KeystoreOptions extractable;
        extractable.allow_extractable = true;
        CHECK(certificate_spki(slurp(out / "cert.pem")) ==
              token_spki(token.uri_for("leaky"), extractable));
    }
}

TEST_CASE("through the p11-kit proxy other modules' messages stay off the terminal unless -v",
          "[softhsm]") {
    // tpm2-pkcs11 registers with p11-kit too and, with no TPM reachable, prints what it could
    // not open each time the proxy loads it.
    const fs::path tpm2_module = "/usr/share/p11-kit/modules/tpm2_pkcs11.module";
    INFO("install the libtpm2-pkcs11-1 package: " << tpm2_module);
    REQUIRE(fs::exists(tpm2_module));
    SoftHsmToken token("hwacme-quiet");
    const std::string uri = "pkcs11:token=" + token.token_label() +
                            ";object=quiet?pin-source=file:" + token.pin_file().string();
    // No TPM for tpm2-pkcs11 to find: a TCTI on a port where nothing listens.
    const std::vector<std::string> no_tpm{"TPM2_PKCS11_TCTI=swtpm:host=127.0.0.1,port=1"};
    auto generated = run_hwacme({"key", "generate", uri}, no_tpm);
    INFO(generated.stderr_text);
    REQUIRE(generated.exit_code == 0);
    CHECK(generated.stderr_text.empty());
    auto shown = run_hwacme({"key", "show", uri}, no_tpm);
    CHECK(shown.exit_code == 0);
    CHECK(shown.stderr_text.empty());
    auto verbose = run_hwacme({"-v", "key", "show", uri}, no_tpm);
    CHECK(verbose.exit_code == 0);
    CHECK_THAT(verbose.stderr_text, Catch::Contains("ERROR"));
}

TEST_CASE("a token whose store is read-only is named as the likely cause", "[softhsm]") {
    SoftHsmToken token("hwacme-readonly");
    // The token's folder mounted read-only in a private mount namespace: what SoftHSM meets on a
    // read-only file system. It answers CKR_GENERAL_ERROR and nothing more.
    const std::string tokens = (token.dir() / "tokens").string();
    std::vector<std::string> argv{"unshare", "--mount", "--propagation", "private"};
    if (::geteuid() != 0) argv.insert(argv.begin() + 1, "--map-root-user");
    argv.insert(argv.end(), {"sh", "-c", "mount --bind -o ro \"$0\" \"$0\" && exec \"$@\"", tokens,
                             std::string(HWACME_BINARY_DIR) + "/hwacme", "key", "generate",
                             token.uri_for("web")});
    auto result = run_command(argv);
    check_failure(result, token, "C_GenerateKeyPair: CKR_GENERAL_ERROR");
    CHECK_THAT(result.stderr_text, Catch::Contains("is the token's store writable"));
}
