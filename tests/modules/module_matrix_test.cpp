// The PKCS#11 conformance matrix: the same end-to-end runs of the `hwacme` binary against each
// real module Debian ships — SoftHSM2, SoftHSM2 through the p11-kit proxy, tpm2-pkcs11 over
// swtpm. Each must make, list, show and delete keys, issue with both keys in the token, keep the
// certificate in the token and revoke with the certificate's own key.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "pkcs11/pkcs11_keystore.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/modules/module_token.h"
#include "tests/pkcs11/pkcs11_cli_support.h"

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

// tpm2-pkcs11, loaded in this process by the conformance check, is built without frame
// pointers: ASan's fast unwinder would lose its frames, and tests/lsan.supp could not tell the
// module's leaks from ours. Read only by a sanitizer build.
extern "C" const char* __asan_default_options() {
    return "fast_unwind_on_malloc=0";
}

namespace {

std::string kind_name(ModuleToken::Kind kind) {
    switch (kind) {
        case ModuleToken::Kind::SoftHsm:
            return "SoftHSM2";
        case ModuleToken::Kind::SoftHsmThroughProxy:
            return "SoftHSM2 through p11-kit";
        case ModuleToken::Kind::Tpm2Pkcs11:
            return "tpm2-pkcs11";
    }
    return "?";
}

/// The token's environment in this process too, for as long as it lives: the module is loaded
/// in-process by the keystore, and reads its settings from the environment.
class ScopedEnvironment {
public:
    explicit ScopedEnvironment(const std::vector<std::string>& entries) {
        for (const auto& entry : entries) {
            auto name = entry.substr(0, entry.find('='));
            names_.push_back(name);
            ::setenv(name.c_str(), entry.substr(name.size() + 1).c_str(), 1);
        }
    }
    ~ScopedEnvironment() {
        for (const auto& name : names_) ::unsetenv(name.c_str());
    }
    ScopedEnvironment(const ScopedEnvironment&) = delete;
    ScopedEnvironment& operator=(const ScopedEnvironment&) = delete;

private:
    std::vector<std::string> names_;
};

CommandResult succeeded(const CommandResult& result) {
    INFO("stderr: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return result;
}

}  // namespace

TEST_CASE("each module makes, lists, shows and deletes keys bound to its token",
          "[softhsm][swtpm]") {
    auto kind = GENERATE(ModuleToken::Kind::SoftHsm, ModuleToken::Kind::SoftHsmThroughProxy,
                         ModuleToken::Kind::Tpm2Pkcs11);
    INFO(kind_name(kind));
    auto token = ModuleToken::make(kind);
    const auto env = token->env();
    for (const auto& [object, type] : std::vector<std::pair<std::string, std::string>>{
             {"p256", "ec-p256"}, {"p384", "ec-p384"}, {"rsa", "rsa2048"}}) {
        auto generated =
            succeeded(run_hwacme({"key", "generate", token->uri_for(object), "--type", type}, env));
        CHECK_THAT(generated.stdout_text, Catch::EndsWith(" " + type + "\n"));
        CHECK(generated.stderr_text.empty());
        auto shown = succeeded(run_hwacme({"key", "show", token->uri_for(object)}, env));
        CHECK_THAT(shown.stdout_text, Catch::Contains("custody: bound to the token\n"));
        CHECK_THAT(shown.stdout_text, Catch::Contains("generated on token: yes\n"));
        CHECK_THAT(shown.stdout_text,
                   Catch::Contains("public key from: the public key object with its CKA_ID\n"));
    }
    auto listed = succeeded(run_hwacme({"key", "list", token->token_uri()}, env));
    for (const char* object : {"object=p256", "object=p384", "object=rsa"})
        CHECK_THAT(listed.stdout_text, Catch::Contains(object));
    succeeded(run_hwacme({"key", "delete", token->uri_for("p384")}, env));
    auto after = succeeded(run_hwacme({"key", "list", token->token_uri()}, env));
    CHECK_THAT(after.stdout_text, !Catch::Contains("object=p384"));
    CHECK_THAT(after.stdout_text, Catch::Contains("object=p256"));
}

TEST_CASE("each module issues with both keys in its token and revokes with the certificate key",
          "[pebble][softhsm][swtpm]") {
    auto kind = GENERATE(ModuleToken::Kind::SoftHsm, ModuleToken::Kind::SoftHsmThroughProxy,
                         ModuleToken::Kind::Tpm2Pkcs11);
    INFO(kind_name(kind));
    PebbleFixture pebble;
    auto token = ModuleToken::make(kind);
    TempDir tmp("hwacme-matrix-issue");
    const auto env = token->env();
    auto issued = succeeded(
        run_hwacme(join(join({"issue", "-d", "matrix.example.com", "--key", token->uri_for("web"),
                              "--account-key", token->uri_for("account"), "--agree-tos",
                              "--store-cert-in-token", "--out", (tmp / "out").string()},
                             http01_options(pebble)),
                        ca_options(pebble, tmp)),
                   env));
    CHECK_THAT(issued.stderr_text, Catch::Contains("stored the certificate in the token"));
    // Pebble accepts a revocation signed by the certificate key only when that key is the one
    // the certificate carries: the CA's own proof that the token key is the certificate's.
    succeeded(run_hwacme(join({"revoke", "--cert", (tmp / "out" / "cert.pem").string(),
                               "--cert-key", token->uri_for("web")},
                              ca_options(pebble, tmp)),
                         env));
    auto again = run_hwacme(join({"revoke", "--cert", (tmp / "out" / "cert.pem").string(),
                                  "--cert-key", token->uri_for("web")},
                                 ca_options(pebble, tmp)),
                            env);
    check_one_line_failure(again);
    CHECK_THAT(again.stderr_text, Catch::Contains("already revoked"));
}

TEST_CASE("each module passes the keystore conformance check", "[softhsm][swtpm]") {
    auto kind = GENERATE(ModuleToken::Kind::SoftHsm, ModuleToken::Kind::SoftHsmThroughProxy,
                         ModuleToken::Kind::Tpm2Pkcs11);
    INFO(kind_name(kind));
    auto token = ModuleToken::make(kind);
    ScopedEnvironment environment(token->env());
    using hwacme::keystore::KeyType;
    using hwacme::keystore::KeyUri;
    auto store = hwacme::pkcs11::open_keystore(KeyUri::parse(token->token_uri()), {});
    const std::array types{KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048};
    hwacme::keystore::testing::check_keystore_conformance(
        *store, [&](std::string_view name) { return KeyUri::parse(token->uri_for(name)); }, types,
        KeyUri::parse(token->token_uri()));
}
