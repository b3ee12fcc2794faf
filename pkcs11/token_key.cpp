#include "pkcs11/token_key.h"

#include <openssl/evp.h>

#include "common/openssl_error.h"
#include "pkcs11/public_half.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
namespace {

// DER of DigestInfo { AlgorithmIdentifier { hash OID, NULL }, OCTET STRING (digest) } up to the
// digest itself (RFC 8017 §9.2 note 1).
const Bytes kSha256Prefix{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                          0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
const Bytes kSha384Prefix{0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                          0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};

}  // namespace

TokenKey::TokenKey(std::shared_ptr<Session> session, KeyObject key, std::string uri,
                   Pkcs11Uri pin_source)
    : session_(std::move(session)),
      key_(std::move(key)),
      uri_(std::move(uri)),
      pin_source_(std::move(pin_source)) {
    public_key_ = read_public_key(*session_, key_).key;
    signature_size_ = keystore::is_ec(key_.type) ? 2 * keystore::ec_field_size(key_.type)
                                                 : keystore::rsa_bits(key_.type) / 8;
}

EvpPkeyPtr TokenKey::public_key() const {
    if (EVP_PKEY_up_ref(public_key_.get()) != 1) throw_openssl("cannot share a public key");
    return EvpPkeyPtr(public_key_.get());
}

Bytes TokenKey::sign_digest(keystore::HashAlg hash, ByteView digest) const {
    if (digest.size() != keystore::digest_size(hash))
        throw Error(Errc::InvalidArgument,
                    "a digest of " + std::to_string(digest.size()) + " bytes cannot be a " +
                        (hash == keystore::HashAlg::Sha384 ? "SHA-384" : "SHA-256") + " digest");
    try {
        std::unique_ptr<Pin> pin;
        if (key_.pin_per_signature) {
            pin = read_pin(pin_source_);
            if (!pin)
                throw Error(Errc::InvalidArgument,
                            "the key needs the PIN for each signature (CKA_ALWAYS_AUTHENTICATE): "
                            "add pin-source=file:/path to its URI or set HWACME_PKCS11_PIN");
        }
        if (keystore::is_ec(key_.type)) {
            Bytes sig =
                session_->sign(key_.private_key, CKM_ECDSA, digest, signature_size_, pin.get());
            if (sig.size() != signature_size_)
                throw Error(Errc::DeviceFailure,
                            "C_Sign: CKM_ECDSA returned " + std::to_string(sig.size()) +
                                " bytes, not r||s of " + std::to_string(signature_size_));
            return sig;
        }
        Bytes info = hash == keystore::HashAlg::Sha384 ? kSha384Prefix : kSha256Prefix;
        info.insert(info.end(), digest.begin(), digest.end());
        return session_->sign(key_.private_key, CKM_RSA_PKCS, info, signature_size_, pin.get());
    } catch (const Error& e) {
        throw Error(e.code(), "signing with " + uri_ + ": " + e.what());
    }
}

}  // namespace hwacme::pkcs11
