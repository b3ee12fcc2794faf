#pragma once

#include <memory>

#include "keystore/key.h"
#include "pkcs11/key_objects.h"

namespace hwacme::pkcs11 {

/// A private key on a PKCS#11 token. Signs with C_Sign on the keystore's logged-in session:
/// CKM_ECDSA over the host's digest gives r||s directly (SoftHSM 2.6 has no CKM_ECDSA_SHA256),
/// CKM_RSA_PKCS over the DigestInfo gives RS256. Shares the session (and so the login) with
/// its Keystore; not thread-safe. A key that needs the PIN for each signature
/// (CKA_ALWAYS_AUTHENTICATE, as PIV cards make them) reads it from the URI's PIN source for each
/// signature and keeps it no longer.
class TokenKey final : public keystore::Key {
public:
    TokenKey(std::shared_ptr<Session> session, KeyObject key, std::string uri,
             Pkcs11Uri pin_source);

    keystore::KeyType type() const override { return key_.type; }
    std::string uri() const override { return uri_; }
    EvpPkeyPtr public_key() const override;
    Bytes sign_digest(keystore::HashAlg hash, ByteView digest) const override;

    const KeyObject& object() const { return key_; }
    bool shares_session(const Session& session) const { return session_.get() == &session; }

private:
    std::shared_ptr<Session> session_;
    KeyObject key_;
    std::string uri_;
    Pkcs11Uri pin_source_;
    EvpPkeyPtr public_key_;  ///< read once: the public half of a token key never changes
    std::size_t signature_size_;
};

}  // namespace hwacme::pkcs11
