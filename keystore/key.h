#pragma once

#include <string>

#include "common/bytes.h"
#include "common/c_handle.h"
#include "keystore/key_type.h"

namespace hwacme::keystore {

/// A private key that never leaves its store. The ACME core sees only this interface: the public
/// half and signatures. Implementations are not required to be thread-safe; use one Key from one
/// thread at a time.
class Key {
public:
    virtual ~Key() = default;

    virtual KeyType type() const = 0;

    /// The URI that opens this key again (normalised form of the one it was opened by).
    virtual std::string uri() const = 0;

    /// The public half as an OpenSSL key holding no private part.
    virtual EvpPkeyPtr public_key() const = 0;

    /// Signs a digest the host computed with `hash`.
    /// EC: the fixed-width big-endian r||s (the JWS form, RFC 7518 §3.4): 64 bytes for P-256,
    /// 96 for P-384. RSA: the RSASSA-PKCS1-v1_5 signature (RFC 8017 §8.2) — the backend wraps the
    /// digest in its DigestInfo.
    /// Errors: Error{DeviceFailure} when the device fails, Error{InvalidArgument} when the digest
    /// length does not match `hash`.
    virtual Bytes sign_digest(HashAlg hash, ByteView digest) const = 0;
};

/// DER SubjectPublicKeyInfo of a key's public half.
Bytes public_key_spki(const Key& key);

/// Hashes `message` on the host and signs the digest with the key's JWS hash.
Bytes sign_message(const Key& key, ByteView message);

/// SHA-256 or SHA-384 of `message`.
Bytes digest(HashAlg hash, ByteView message);

}  // namespace hwacme::keystore
