#include <catch2/catch.hpp>

#include <map>

#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/pkcs11/raw_token.h"
#include "tests/pkcs11/softhsm_fixture.h"

using hwacme::Bytes;
using hwacme::Errc;
using hwacme::Error;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::openssl_verifies;
using hwacme::test::RawToken;
using hwacme::test::SoftHsmToken;

TEST_CASE("extractable token key is refused as Custody unless allowed", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("leaky"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    store->listing()->list(uri);  // logs in, so the raw session below shares the login
    {
        RawToken raw(token.module_path(), token.token_label(), token.pin());
        raw.generate_extractable_ec("leaky", Bytes{0x0e, 0x0e});
    }
    try {
        store->open(uri);
        FAIL("an extractable key was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Custody);
        CHECK(std::string(e.what()).find("CKA_EXTRACTABLE is TRUE") != std::string::npos);
    }

    hwacme::keystore::KeystoreOptions allow;
    allow.allow_extractable = true;
    auto permissive = hwacme::pkcs11::open_keystore(uri, allow);
    auto key = permissive->open(uri);
    const Bytes message{1, 2, 3};
    CHECK(openssl_verifies(key->public_key().get(), KeyType::EcP256, message,
                           hwacme::keystore::sign_message(*key, message)));

    std::map<std::string, std::string> facts;
    for (auto& [name, value] : store->custody_description()->describe(uri)) facts[name] = value;
    CHECK(facts["extractable"] == "yes");
    CHECK(facts["never extractable"] == "no");
    CHECK(facts["custody"].find("CKA_EXTRACTABLE is TRUE") != std::string::npos);
}

TEST_CASE("describe states the custody facts of a token-generated key", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("shown"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    auto key = store->generate(uri, KeyType::Rsa2048);
    std::map<std::string, std::string> facts;
    for (auto& [name, value] : store->custody_description()->describe(uri)) facts[name] = value;
    CHECK(facts["sensitive"] == "yes");
    CHECK(facts["extractable"] == "no");
    CHECK(facts["always sensitive"] == "yes");
    CHECK(facts["never extractable"] == "yes");
    CHECK(facts["generated on token"] == "yes");
    CHECK(facts["custody"] == "bound to the token");
    CHECK(facts["token"] == token.token_label());
    CHECK(facts["token manufacturer"] == "SoftHSM project");
    CHECK(facts["token model"] == "SoftHSM v2");
    CHECK_FALSE(facts["token serial"].empty());
    CHECK(facts["object"] == "shown");
    CHECK(facts["id"].size() == 32);
    CHECK(facts["key type"] == "rsa2048");
    CHECK(facts["uri"] == key->uri());
}
