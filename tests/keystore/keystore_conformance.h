#pragma once

// The keystore conformance check: one behaviour contract, run against every backend.
//
// Use it from a backend's own Catch2 test case, with the backend's fixture already running:
//
//     #include "tests/keystore/keystore_conformance.h"
//
//     TEST_CASE("SoftHSM token keystore passes the keystore conformance check", "[softhsm]") {
//         auto store = pkcs11::open_keystore(token_uri, {});
//         const std::array types{KeyType::EcP256, KeyType::Rsa2048};
//         check_keystore_conformance(
//             *store,
//             [&](std::string_view name) {
//                 return KeyUri::parse("pkcs11:token=test;object=" + std::string(name));
//             },
//             types, KeyUri::parse("pkcs11:token=test"));
//     }
//
// `uri_for(name)` maps a fresh name (letters, digits, '-') to a URI where no key exists yet;
// `list_scope` is the URI handed to list() (a folder, a token); without it list() gets the key's
// own URI. For every type the check generates a key, opens it again by the URI it was made at and
// by the URI the key reports, compares the DER SubjectPublicKeyInfo, signs through
// keystore::sign_message and verifies the signature with OpenSSL against public_key() over the
// message itself, refuses a wrong-length digest, finds the key in list(), refuses to generate
// over it (AlreadyExists), removes it, and then expects NotFound from open() and remove().

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"
#include "keystore/ecdsa_signature.h"
#include "keystore/key.h"
#include "keystore/keystore.h"
#include "tests/keystore/error_code.h"

namespace hwacme::keystore::testing {

/// Verifies `signature` (in Key::sign_digest's form) over `message` with OpenSSL alone: EC r||s
/// goes back to DER, RSA is checked as PKCS#1 v1.5 with the JWS hash of `type`.
inline bool openssl_verifies(EVP_PKEY* public_key, KeyType type, ByteView message,
                             ByteView signature) {
    Bytes encoded(signature.begin(), signature.end());
    if (is_ec(type)) {
        if (signature.size() != 2 * ec_field_size(type)) return false;
        encoded = ecdsa_raw_to_der(signature);
    }
    const EVP_MD* md = signature_hash(type) == HashAlg::Sha384 ? EVP_sha384() : EVP_sha256();
    EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pkey_ctx = nullptr;  // owned by ctx
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pkey_ctx, md, nullptr, public_key) != 1)
        return false;
    if (!is_ec(type) && EVP_PKEY_CTX_set_rsa_padding(pkey_ctx, RSA_PKCS1_PADDING) != 1)
        return false;
    return EVP_DigestVerify(ctx.get(), encoded.data(), encoded.size(), message.data(),
                            message.size()) == 1;
}

inline Bytes random_bytes(std::size_t count) {
    Bytes bytes(count);
    REQUIRE(RAND_bytes(bytes.data(), static_cast<int>(count)) == 1);
    return bytes;
}

inline void check_keystore_conformance(Keystore& store,
                                       const std::function<KeyUri(std::string_view name)>& uri_for,
                                       std::span<const KeyType> types,
                                       const std::optional<KeyUri>& list_scope = std::nullopt) {
    for (KeyType type : types) {
        // The pid keeps two runs sharing a token from colliding on a leftover key.
        const std::string name =
            "conformance-" + std::string(to_string(type)) + "-" + std::to_string(::getpid());
        const KeyUri uri = uri_for(name);
        INFO("key type " << to_string(type) << " at " << uri.str());

        std::unique_ptr<Key> generated = store.generate(uri, type);
        REQUIRE(generated);
        CHECK(generated->type() == type);
        const Bytes spki = public_key_spki(*generated);

        std::unique_ptr<Key> opened = store.open(uri);
        REQUIRE(opened);
        CHECK(opened->type() == type);
        CHECK(public_key_spki(*opened) == spki);

        std::unique_ptr<Key> reopened = store.open(KeyUri::parse(opened->uri()));
        CHECK(public_key_spki(*reopened) == spki);

        const Bytes message = random_bytes(100);
        const Bytes signature = sign_message(*opened, message);
        if (is_ec(type)) CHECK(signature.size() == 2 * ec_field_size(type));
        if (!is_ec(type)) CHECK(signature.size() == rsa_bits(type) / 8);
        CHECK(openssl_verifies(opened->public_key().get(), type, message, signature));
        CHECK(openssl_verifies(generated->public_key().get(), type, message,
                               sign_message(*generated, message)));
        Bytes tampered = message;
        tampered[0] ^= 1;
        CHECK_FALSE(openssl_verifies(opened->public_key().get(), type, tampered, signature));

        const Bytes short_digest(digest_size(signature_hash(type)) - 1, 0x5a);
        CHECK(error_code_of([&] { opened->sign_digest(signature_hash(type), short_digest); }) ==
              Errc::InvalidArgument);

        // Every backend of this build lists, describes and destroys its keys.
        REQUIRE(store.listing());
        REQUIRE(store.custody_description());
        REQUIRE(store.removal());
        const std::vector<KeyInfo> listed = store.listing()->list(list_scope.value_or(uri));
        const KeyUri own_uri = KeyUri::parse(opened->uri());
        auto entry = std::find_if(listed.begin(), listed.end(), [&](const KeyInfo& info) {
            return KeyUri::parse(info.uri) == own_uri;
        });
        CHECK(entry != listed.end());
        if (entry != listed.end() && entry->type) CHECK(*entry->type == type);

        CHECK_FALSE(store.custody_description()->describe(uri).empty());

        CHECK(error_code_of([&] { store.generate(uri, type); }) == Errc::AlreadyExists);
        CHECK(public_key_spki(*store.open(uri)) == spki);

        store.removal()->remove(uri);
        CHECK(error_code_of([&] { store.open(uri); }) == Errc::NotFound);
        CHECK(error_code_of([&] { store.removal()->remove(uri); }) == Errc::NotFound);
    }
}

}  // namespace hwacme::keystore::testing
