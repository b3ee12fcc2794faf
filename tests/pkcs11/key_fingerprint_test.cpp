// `hwacme key show` gives what an operator needs to match a token key with its certificate using
// openssl alone: the public key as PEM and the SHA-256 of its SubjectPublicKeyInfo. `key list
// --json` and `key show --json` say the same as one JSON object.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "tests/pkcs11/pkcs11_cli_support.h"
#include "tests/pkcs11/softhsm_fixture.h"

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

namespace {

CommandResult hwacme_ok(const std::vector<std::string>& args) {
    auto result = run_hwacme(args);
    INFO("hwacme " << args.at(0) << " " << args.at(1) << " stderr: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return result;
}

/// The operator's own check, as a shell pipeline of openssl and sha256sum.
std::string certificate_spki_sha256(const fs::path& cert) {
    auto result = run_command({"sh", "-c",
                               "openssl x509 -in \"$1\" -pubkey -noout | openssl pkey -pubin "
                               "-outform DER | sha256sum",
                               "sh", cert.string()});
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    REQUIRE(result.stdout_text.size() > 64);
    return result.stdout_text.substr(0, 64);
}

}  // namespace

TEST_CASE("key show prints the public key and SPKI hash that openssl computes from the certificate",
          "[pebble][softhsm]") {
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-e2e");
    TempDir tmp("hwacme-p11-fingerprint");
    const std::string web_uri = token.uri_for("web");
    hwacme_ok(join(join({"issue", "-d", "match.example.com", "--key", web_uri, "--account-key",
                         token.uri_for("account"), "--agree-tos", "--out", (tmp / "out").string()},
                        http01_options(pebble)),
                   ca_options(pebble, tmp)));
    const auto cert = tmp / "out" / "cert.pem";
    const std::string expected_hash = certificate_spki_sha256(cert);
    const std::string expected_pem = openssl({"x509", "-in", cert.string(), "-pubkey", "-noout"});

    auto text = hwacme_ok({"key", "show", web_uri});
    CHECK_THAT(text.stdout_text, Catch::Contains("\nspki sha256: " + expected_hash + "\n"));
    CHECK_THAT(text.stdout_text, Catch::EndsWith(expected_pem));

    auto json = boost::json::parse(hwacme_ok({"key", "show", web_uri, "--json"}).stdout_text);
    CHECK(json.at("spki_sha256").as_string() == expected_hash);
    CHECK(json.at("public_key_pem").as_string() == expected_pem);
    CHECK(json.at("usable").as_bool());
    CHECK(json.at("type").as_string() == "ec-p256");
    CHECK(json.at("facts").at("custody").as_string() == "bound to the token");
    CHECK(json.at("uri").as_string().find("object=web") != boost::json::string::npos);
}

TEST_CASE("key list --json names every key of the token with its type", "[softhsm]") {
    SoftHsmToken token("hwacme-e2e");
    hwacme_ok({"key", "generate", token.uri_for("p384"), "--type", "ec-p384"});
    hwacme_ok({"key", "generate", token.uri_for("rsa"), "--type", "rsa2048"});

    auto listed =
        boost::json::parse(hwacme_ok({"key", "list", token.token_uri(), "--json"}).stdout_text);
    std::map<std::string, std::string> types;
    for (const auto& key : listed.at("keys").as_array()) {
        std::string uri(key.at("uri").as_string());
        CHECK(key.at("description").as_string().find("token=" + token.token_label()) !=
              boost::json::string::npos);
        for (const char* object : {"p384", "rsa"})
            if (uri.find(std::string(";object=") + object + ";") != std::string::npos)
                types[object] = key.at("type").as_string();
    }
    CHECK(types == std::map<std::string, std::string>{{"p384", "ec-p384"}, {"rsa", "rsa2048"}});
}
