// `hwacme issue` with both keys in a SoftHSM token, against Pebble: what an operator with an HSM
// runs, checked the way a relying party and an auditor would check it.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <sstream>

#include "tests/pkcs11/pkcs11_cli_support.h"
#include "tests/pkcs11/raw_token.h"
#include "tests/pkcs11/softhsm_fixture.h"

#include <p11-kit/pkcs11.h>

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

namespace {

/// ASAN_OPTIONS for a hwacme that loads pkcs11-spy: the spy is built without frame pointers, so
/// only the slow unwinder reaches its frames, and tests/lsan.supp can tell its leaks from ours.
/// Other builds ignore the variable.
std::string unwinding_through_modules() {
    const char* asan = std::getenv("ASAN_OPTIONS");
    return std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
           "fast_unwind_on_malloc=0";
}

/// `hwacme key show` must state that the key was made in the token and can never leave it.
void check_custody(const std::string& uri) {
    auto shown = run_hwacme({"key", "show", uri});
    INFO(shown.stderr_text);
    REQUIRE(shown.exit_code == 0);
    for (const char* fact :
         {"sensitive: yes\n", "extractable: no\n", "always sensitive: yes\n",
          "never extractable: yes\n", "generated on token: yes\n", "custody: bound to the token\n"})
        CHECK(shown.stdout_text.find(fact) != std::string::npos);
}

}  // namespace

TEST_CASE("token account key and token certificate key issue a two-name certificate via the CLI",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-e2e");
    TempDir tmp("hwacme-p11-issue");
    const auto options = ca_options(pebble, tmp);
    const std::string account_uri = token.uri_for("account");
    const std::string web_uri = token.uri_for("web");

    auto registered = run_hwacme(
        join({"account", "register", "--account-key", account_uri, "--agree-tos"}, options));
    INFO(registered.stderr_text);
    REQUIRE(registered.exit_code == 0);
    CHECK(registered.stdout_text.find("account: https://127.0.0.1") != std::string::npos);

    auto issued = run_hwacme(join(join({"issue", "-d", "a.example.com", "-d", "b.example.com",
                                        "--key", web_uri, "--out", (tmp / "out").string()},
                                       http01_options(pebble)),
                                  options));
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK(issued.stdout_text.find("names:       a.example.com b.example.com") != std::string::npos);

    const auto out = tmp / "out";
    CHECK(slurp(out / "fullchain.pem") == slurp(out / "cert.pem") + slurp(out / "chain.pem"));
    auto verified = openssl({"verify", "-CAfile", pebble.issuing_root_path().string(), "-untrusted",
                             (out / "chain.pem").string(), (out / "cert.pem").string()});
    CHECK(verified.find(": OK") != std::string::npos);
    auto sans =
        openssl({"x509", "-in", (out / "cert.pem").string(), "-noout", "-ext", "subjectAltName"});
    CHECK(sans.find("DNS:a.example.com") != std::string::npos);
    CHECK(sans.find("DNS:b.example.com") != std::string::npos);
    CHECK(certificate_spki(slurp(out / "cert.pem")) == token_spki(web_uri));

    check_custody(account_uri);
    check_custody(web_uri);

    // The keys stayed in the token: the state holds only the account's URL and key URI, the
    // output only certificates; no file anywhere carries a private key.
    auto state = files_under(tmp / "state");
    REQUIRE(state.size() == 1);
    CHECK(fs::path(*state.begin()).filename() == "account.json");
    CHECK(files_under(out) == std::set<std::string>{"cert.pem", "chain.pem", "fullchain.pem"});
    for (const auto& file : files_under(tmp.path()))
        CHECK(slurp(tmp / file).find("PRIVATE KEY") == std::string::npos);
    CHECK(slurp(tmp / "state" / *state.begin()).find(token.pin()) == std::string::npos);
}

TEST_CASE(
    "store-cert-in-token leaves the certificate in the token under the key's CKA_ID, "
    "after one login",
    "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-e2e");
    TempDir tmp("hwacme-p11-store");
    // OpenSC's pkcs11-spy between hwacme and SoftHSM logs every C_* call.
    const std::string spy = "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so";
    REQUIRE(fs::exists(spy));  // Debian package opensc-pkcs11
    auto through_spy = [&](const std::string& object) {
        return "pkcs11:token=" + token.token_label() + ";object=" + object + "?module-path=" + spy +
               "&pin-source=file:" + token.pin_file().string();
    };
    const auto spy_log = tmp / "spy.log";
    auto issued =
        run_hwacme(join(join({"issue", "-d", "stored.example.com", "--key", through_spy("web"),
                              "--account-key", through_spy("account"), "--agree-tos",
                              "--store-cert-in-token", "--out", (tmp / "out").string()},
                             http01_options(pebble)),
                        ca_options(pebble, tmp)),
                   {"PKCS11SPY=" + SoftHsmToken::module_path(),
                    "PKCS11SPY_OUTPUT=" + spy_log.string(), unwinding_through_modules()});
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);

    // Account key, certificate key and the stored certificate share one session: one login.
    std::istringstream calls(slurp(spy_log));
    int logins = 0;
    for (std::string line; std::getline(calls, line);)
        if (line.ends_with(": C_Login")) ++logins;
    CHECK(logins == 1);

    // The token's own word, through C_* calls of this test rather than the backend's.
    RawToken raw(token.module_path(), token.token_label(), token.pin());
    auto cert = raw.find(CKO_CERTIFICATE, "web");
    auto key = raw.find(CKO_PRIVATE_KEY, "web");
    REQUIRE(cert);
    REQUIRE(key);
    hwacme::Bytes cert_id, key_id, value;
    REQUIRE(raw.get(*cert, CKA_ID, &cert_id) == CKR_OK);
    REQUIRE(raw.get(*key, CKA_ID, &key_id) == CKR_OK);
    CHECK_FALSE(key_id.empty());
    CHECK(cert_id == key_id);
    REQUIRE(raw.get(*cert, CKA_VALUE, &value) == CKR_OK);
    auto der = openssl({"x509", "-in", (tmp / "out" / "cert.pem").string(), "-outform", "DER"});
    CHECK(value == hwacme::Bytes(der.begin(), der.end()));
    CHECK_FALSE(raw.find(CKO_CERTIFICATE, "account"));
}
