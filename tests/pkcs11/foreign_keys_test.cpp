// Keys that other tools made: the public half is found by CKA_ID, else by label, else from a
// certificate object beside the key; `key show` says which, and halves that disagree stop the key
// from being used.
#include <openssl/x509.h>

#include <catch2/catch.hpp>

#include "tests/pkcs11/pkcs11_cli_support.h"
#include "tests/pkcs11/raw_token.h"
#include "tests/pkcs11/softhsm_fixture.h"

#include <p11-kit/pkcs11.h>

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

namespace {

CommandResult issue_with(const PebbleFixture& pebble, const TempDir& tmp, const std::string& key,
                         const std::string& name, std::vector<std::string> extra = {}) {
    return run_hwacme(join(join(join({"issue", "-d", name, "--key", key, "--account-key",
                                      "file:" + (tmp / "account.pem").string(), "--agree-tos",
                                      "--out", (tmp / name).string()},
                                     http01_options(pebble)),
                                ca_options(pebble, tmp)),
                           extra));
}

std::string shown_line(const CommandResult& shown, const std::string& name) {
    auto at = shown.stdout_text.find("\n" + name + ": ");
    REQUIRE(at != std::string::npos);
    auto start = at + name.size() + 3;
    return shown.stdout_text.substr(start, shown.stdout_text.find('\n', start) - start);
}

/// The DER subject of a DER certificate.
hwacme::Bytes subject_of(const hwacme::Bytes& der) {
    const unsigned char* p = der.data();
    hwacme::X509Ptr certificate(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    REQUIRE(certificate);
    unsigned char* subject = nullptr;
    int length = i2d_X509_NAME(X509_get_subject_name(certificate.get()), &subject);
    REQUIRE(length > 0);
    hwacme::Bytes out(subject, subject + length);
    OPENSSL_free(subject);
    return out;
}

hwacme::Bytes from_hex(const std::string& hex) {
    hwacme::Bytes bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

}  // namespace

TEST_CASE("a key made with a label and no CKA_ID is found by its label and issues",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-foreign");
    TempDir tmp("hwacme-p11-foreign-label");
    {
        RawToken raw(token.module_path(), token.token_label(), token.pin());
        raw.generate_ec("labelled", std::nullopt);
    }
    auto shown = run_hwacme({"key", "show", token.uri_for("labelled")});
    INFO(shown.stderr_text);
    REQUIRE(shown.exit_code == 0);
    CHECK(shown_line(shown, "public key from") == "the public key object with its CKA_LABEL");
    CHECK(shown_line(shown, "id").empty());

    auto issued = issue_with(pebble, tmp, token.uri_for("labelled"), "labelled.example.com");
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK(certificate_spki(slurp(tmp / "labelled.example.com" / "cert.pem")) ==
          token_spki(token.uri_for("labelled")));
}

TEST_CASE("a key whose public object is gone is read from the certificate beside it",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-foreign");
    TempDir tmp("hwacme-p11-foreign-cert");
    auto issued = issue_with(pebble, tmp, token.uri_for("carded"), "carded.example.com",
                             {"--store-cert-in-token"});
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    const auto before = token_spki(token.uri_for("carded"));
    {
        RawToken raw(token.module_path(), token.token_label(), token.pin());
        auto public_object = raw.find(CKO_PUBLIC_KEY, "carded");
        REQUIRE(public_object);
        raw.destroy(*public_object);
    }
    auto shown = run_hwacme({"key", "show", token.uri_for("carded")});
    INFO(shown.stderr_text);
    REQUIRE(shown.exit_code == 0);
    CHECK(shown_line(shown, "public key from") == "the certificate object with its CKA_ID");
    CHECK(token_spki(token.uri_for("carded")) == before);
}

TEST_CASE("a certificate beside a key that holds another key stops the key from being used",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-foreign");
    auto generated = run_hwacme({"key", "generate", token.uri_for("twin")});
    REQUIRE(generated.exit_code == 0);
    auto shown = run_hwacme({"key", "show", token.uri_for("twin")});
    REQUIRE(shown.exit_code == 0);
    auto id = from_hex(shown_line(shown, "id"));
    // Pebble's own TLS certificate: a real certificate for some other key.
    auto der_text =
        openssl({"x509", "-in", (pebble.dir() / "server.pem").string(), "-outform", "DER"});
    hwacme::Bytes der(der_text.begin(), der_text.end());
    {
        RawToken raw(token.module_path(), token.token_label(), token.pin());
        raw.create_certificate("twin", id, subject_of(der), der);
    }
    auto refused = run_hwacme({"key", "show", token.uri_for("twin")});
    check_one_line_failure(refused);
    CHECK_THAT(refused.stderr_text,
               Catch::Contains("the public key object with its CKA_ID and the certificate "
                               "object with its CKA_ID hold different keys"));
}

TEST_CASE("keys that need the PIN for each signature sign with a context-specific login",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-piv");
    TempDir tmp("hwacme-p11-always-auth");
    {
        RawToken raw(token.module_path(), token.token_label(), token.pin());
        raw.generate_ec("piv-account", hwacme::Bytes{0x9a}, true);
        raw.generate_ec("piv-web", hwacme::Bytes{0x9c}, true);
    }
    auto shown = run_hwacme({"key", "show", token.uri_for("piv-web")});
    INFO(shown.stderr_text);
    REQUIRE(shown.exit_code == 0);
    CHECK(shown_line(shown, "pin per signature") == "yes");

    // SoftHSM refuses C_Sign on such a key without the login that comes before it: every JWS
    // of the account and the CSR pass only with one login per signature.
    auto issued = run_hwacme(join(
        join({"issue", "-d", "piv.example.com", "--key", token.uri_for("piv-web"), "--account-key",
              token.uri_for("piv-account"), "--agree-tos", "--out", (tmp / "out").string()},
             http01_options(pebble)),
        ca_options(pebble, tmp)));
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK(certificate_spki(slurp(tmp / "out" / "cert.pem")) ==
          token_spki(token.uri_for("piv-web")));
}
