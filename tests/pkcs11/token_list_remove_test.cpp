#include <catch2/catch.hpp>

#include <algorithm>
#include <array>

#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/keystore/error_code.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/pkcs11/raw_token.h"
#include "tests/pkcs11/softhsm_fixture.h"

#include <p11-kit/pkcs11.h>

using hwacme::Errc;
using hwacme::keystore::KeyInfo;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;
using hwacme::test::RawToken;
using hwacme::test::SoftHsmToken;

TEST_CASE("list shows every token key with a URI that opens it", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri scope = KeyUri::parse(token.token_uri());
    auto store = hwacme::pkcs11::open_keystore(scope, {});
    auto account = store->generate(KeyUri::parse(token.uri_for("account")), KeyType::EcP256);
    auto web = store->generate(KeyUri::parse(token.uri_for("web")), KeyType::Rsa2048);

    std::vector<KeyInfo> listed = store->listing()->list(scope);
    REQUIRE(listed.size() == 2);
    for (auto* key : {account.get(), web.get()}) {
        auto entry = std::find_if(listed.begin(), listed.end(),
                                  [&](const KeyInfo& i) { return i.uri == key->uri(); });
        REQUIRE(entry != listed.end());
        CHECK(entry->type == key->type());
        const KeyUri uri = KeyUri::parse(entry->uri);
        CHECK(uri.attribute("type") == "private");
        CHECK(uri.attribute("id"));
        CHECK(hwacme::keystore::public_key_spki(*store->open(uri)) ==
              hwacme::keystore::public_key_spki(*key));
    }
    CHECK(store->listing()->list(KeyUri::parse(token.uri_for("web"))).size() == 1);
}

TEST_CASE("remove destroys the key pair and nothing else", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri gone = KeyUri::parse(token.uri_for("gone"));
    const KeyUri kept = KeyUri::parse(token.uri_for("kept"));
    auto store = hwacme::pkcs11::open_keystore(gone, {});
    store->generate(gone, KeyType::EcP256);
    store->generate(kept, KeyType::EcP256);

    store->removal()->remove(gone);
    RawToken raw(token.module_path(), token.token_label(), token.pin());
    CHECK_FALSE(raw.find(CKO_PRIVATE_KEY, "gone"));
    CHECK_FALSE(raw.find(CKO_PUBLIC_KEY, "gone"));
    CHECK(raw.find(CKO_PRIVATE_KEY, "kept"));
    CHECK(raw.find(CKO_PUBLIC_KEY, "kept"));
    CHECK(error_code_of([&] { store->open(gone); }) == Errc::NotFound);
    CHECK(error_code_of([&] { store->removal()->remove(gone); }) == Errc::NotFound);
    CHECK(store->open(kept)->type() == KeyType::EcP256);
}

TEST_CASE("SoftHSM token keystore passes the keystore conformance check", "[softhsm]") {
    SoftHsmToken token;
    auto store = hwacme::pkcs11::open_keystore(KeyUri::parse(token.token_uri()), {});
    const std::array types{KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048};
    hwacme::keystore::testing::check_keystore_conformance(
        *store, [&](std::string_view name) { return KeyUri::parse(token.uri_for(name)); }, types,
        KeyUri::parse(token.token_uri()));
}
