#pragma once

#include <memory>
#include <string>

#include "keystore/key.h"
#include "tpm/key_object.h"
#include "tpm/tpm_connection.h"

struct TPM2B_PUBLIC;

namespace hwacme::tpm {

/// Starts the HMAC session a key with an auth value is used through, so that the value never
/// crosses the wire (a password session would send it in clear, Part 1 §19.8.5) and the first
/// parameter is encrypted (Part 1 §21). Salted with `salt_key` when not ESYS_TR_NONE (the parent:
/// then even an empty-auth parent protects the new key's auth value in TPM2_Create).
TrHandle start_hmac_session(TpmConnection& tpm, EsysTr salt_key);

/// A signing key in the TPM: a transient object (flushed in the destructor) or a persistent one.
/// It stays loaded for the life of this object so that a signature costs one TPM2_Sign (unless
/// the connection had to park it for room). Not thread-safe; shares the keystore's connection.
class TpmKey final : public keystore::Key {
public:
    /// `session` is empty for a key without an auth value (an empty password session is used).
    TpmKey(std::unique_ptr<KeyObject> object, TrHandle session, const TPM2B_PUBLIC& pub,
           std::string uri);

    keystore::KeyType type() const override { return type_; }
    std::string uri() const override { return uri_; }
    EvpPkeyPtr public_key() const override;
    Bytes sign_digest(keystore::HashAlg hash, ByteView digest) const override;

private:
    std::unique_ptr<KeyObject> object_;  // holds the connection: destroyed after the session
    TrHandle session_;
    keystore::KeyType type_;
    EvpPkeyPtr public_;
    std::string uri_;
};

}  // namespace hwacme::tpm
