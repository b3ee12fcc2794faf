#include <catch2/catch.hpp>

#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/keystore/error_code.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/pkcs11/raw_token.h"
#include "tests/pkcs11/softhsm_fixture.h"

#include <p11-kit/pkcs11.h>

using hwacme::Bytes;
using hwacme::Errc;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;
using hwacme::keystore::testing::openssl_verifies;
using hwacme::test::RawToken;
using hwacme::test::SoftHsmToken;

TEST_CASE("token generates sign-only keys that the token refuses to reveal", "[softhsm]") {
    const KeyType type = GENERATE(KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048,
                                  KeyType::Rsa3072, KeyType::Rsa4096);
    INFO("key type " << hwacme::keystore::to_string(type));
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("acme-key"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    auto key = store->generate(uri, type);
    CHECK(key->type() == type);

    // Read back through our own C_GetAttributeValue calls: the token's word, not the backend's.
    RawToken raw(token.module_path(), token.token_label(), token.pin());
    auto priv = raw.find(CKO_PRIVATE_KEY, "acme-key");
    auto pub = raw.find(CKO_PUBLIC_KEY, "acme-key");
    REQUIRE(priv);
    REQUIRE(pub);
    CHECK(raw.flag(*priv, CKA_TOKEN));
    CHECK(raw.flag(*priv, CKA_PRIVATE));
    CHECK(raw.flag(*priv, CKA_SENSITIVE));
    CHECK_FALSE(raw.flag(*priv, CKA_EXTRACTABLE));
    CHECK(raw.flag(*priv, CKA_LOCAL));
    CHECK(raw.flag(*priv, CKA_ALWAYS_SENSITIVE));
    CHECK(raw.flag(*priv, CKA_NEVER_EXTRACTABLE));
    CHECK(raw.flag(*priv, CKA_SIGN));
    CHECK_FALSE(raw.flag(*priv, CKA_DECRYPT));
    CHECK_FALSE(raw.flag(*priv, CKA_UNWRAP));
    CHECK_FALSE(raw.flag(*priv, CKA_DERIVE));
    CHECK(raw.flag(*pub, CKA_VERIFY));
    CHECK_FALSE(raw.flag(*pub, CKA_ENCRYPT));
    CHECK_FALSE(raw.flag(*pub, CKA_WRAP));
    const unsigned long secret = hwacme::keystore::is_ec(type) ? CKA_VALUE : CKA_PRIVATE_EXPONENT;
    CHECK(raw.get(*priv, secret) == CKR_ATTRIBUTE_SENSITIVE);

    Bytes id;
    REQUIRE(raw.get(*priv, CKA_ID, &id) == CKR_OK);
    CHECK(id.size() == 16);
    Bytes pub_id;
    REQUIRE(raw.get(*pub, CKA_ID, &pub_id) == CKR_OK);
    CHECK(pub_id == id);

    const Bytes message{'h', 'w', 'a', 'c', 'm', 'e'};
    CHECK(openssl_verifies(key->public_key().get(), type, message,
                           hwacme::keystore::sign_message(*key, message)));

    // The key reports the normalised URI: token, object, the id it got, type=private.
    const KeyUri reported = KeyUri::parse(key->uri());
    CHECK(reported.attribute("token") == token.token_label());
    CHECK(reported.attribute("object") == "acme-key");
    CHECK(reported.attribute("id") == std::string(id.begin(), id.end()));
    CHECK(reported.attribute("type") == "private");
    CHECK(reported.query("module-path") == token.module_path());
}

TEST_CASE("token key generated at an id in the URI keeps that CKA_ID", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri =
        KeyUri::parse("pkcs11:token=" + token.token_label() +
                      ";object=with-id;id=%c0%ff%ee%01?module-path=" + token.module_path() +
                      "&pin-source=file:" + token.pin_file().string());
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    store->generate(uri, KeyType::EcP256);
    RawToken raw(token.module_path(), token.token_label(), token.pin());
    Bytes id;
    REQUIRE(raw.get(*raw.find(CKO_PRIVATE_KEY, "with-id"), CKA_ID, &id) == CKR_OK);
    CHECK(id == Bytes{0xc0, 0xff, 0xee, 0x01});
}

TEST_CASE("token refuses to generate over an existing label or id", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("taken"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    auto key = store->generate(uri, KeyType::EcP256);
    CHECK(error_code_of([&] { store->generate(uri, KeyType::Rsa2048); }) == Errc::AlreadyExists);
    const KeyUri reported = KeyUri::parse(key->uri());
    const KeyUri same_id = KeyUri::with_attributes(
        "pkcs11",
        {{"token", token.token_label()}, {"object", "other"}, {"id", *reported.attribute("id")}},
        reported.query_attributes());
    CHECK(error_code_of([&] { store->generate(same_id, KeyType::EcP256); }) == Errc::AlreadyExists);
}
