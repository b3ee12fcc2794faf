#pragma once

#include <string>

#include "common/c_handle.h"
#include "keystore/key.h"

namespace hwacme::test {

/// A test-only keystore::Key over an in-memory OpenSSL private key, signing the way the Key
/// contract documents (EC r||s, RSA PKCS#1 v1.5), so jose can be tested without a backend.
class MemoryKey : public keystore::Key {
public:
    /// Takes ownership of a private key; its type is read from the key (P-256, P-384, RSA).
    explicit MemoryKey(EvpPkeyPtr private_key);

    keystore::KeyType type() const override { return type_; }
    std::string uri() const override { return "memory:test"; }
    EvpPkeyPtr public_key() const override;
    Bytes sign_digest(keystore::HashAlg hash, ByteView digest) const override;

private:
    EvpPkeyPtr private_key_;
    keystore::KeyType type_;
};

/// A fresh key of `type`.
EvpPkeyPtr generate_private_key(keystore::KeyType type);

/// The base64url members of an RSA private JWK (RFC 7518 §6.3).
struct RsaJwkMembers {
    std::string n, e, d, p, q, dp, dq, qi;
};
EvpPkeyPtr rsa_key_from_jwk(const RsaJwkMembers& members);
/// An RSA public key from the base64url JWK members n and e.
EvpPkeyPtr rsa_public_key_from_jwk(std::string_view n, std::string_view e);

/// A P-256 key from the base64url JWK members (RFC 7518 §6.2); `d` empty gives a public key.
EvpPkeyPtr p256_key_from_jwk(const std::string& x, const std::string& y, const std::string& d);

/// Verifies a JWS signature (EC r||s or RSA PKCS#1 v1.5) over `signing_input` with OpenSSL.
bool verify_jws_signature(EVP_PKEY* public_key, keystore::HashAlg hash,
                          std::string_view signing_input, ByteView signature);

}  // namespace hwacme::test
