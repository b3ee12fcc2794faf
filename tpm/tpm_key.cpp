#include "tpm/tpm_key.h"

#include <tss2/tss2_esys.h>

#include <algorithm>

#include "common/error.h"
#include "tpm/tpm_public.h"

namespace hwacme::tpm {
namespace {

using keystore::HashAlg;

// Copies a TPM big-endian integer into `out` right-aligned in `width` bytes: the TPM may drop
// leading zeros of r and s, JWS wants each exactly the field size (RFC 7518 §3.4).
void put_padded(Bytes& out, const TPM2B_ECC_PARAMETER& value, std::size_t width) {
    if (value.size > width)
        throw Error(Errc::DeviceFailure, "the TPM returned an ECDSA value wider than the field");
    out.insert(out.end(), width - value.size, 0);
    out.insert(out.end(), value.buffer, value.buffer + value.size);
}

}  // namespace

TrHandle start_hmac_session(TpmConnection& tpm, EsysTr salt_key) {
    TPMT_SYM_DEF symmetric{};
    symmetric.algorithm = TPM2_ALG_AES;
    symmetric.keyBits.aes = 128;
    symmetric.mode.aes = TPM2_ALG_CFB;
    ESYS_TR session = ESYS_TR_NONE;
    ESYS_CONTEXT* ctx = tpm.get();
    TSS2_RC rc = tpm.with_room([&] {
        return Esys_StartAuthSession(ctx, salt_key, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                     ESYS_TR_NONE, nullptr, TPM2_SE_HMAC, &symmetric,
                                     TPM2_ALG_SHA256, &session);
    });
    check_tss("Esys_StartAuthSession", rc, "cannot start an HMAC session");
    TrHandle owner(ctx, session, TrHandle::Release::Flush);
    // decrypt: the first command parameter (digest, sensitive data) travels encrypted;
    // continueSession: the session serves every signature of the key.
    rc = Esys_TRSess_SetAttributes(ctx, session,
                                   TPMA_SESSION_CONTINUESESSION | TPMA_SESSION_DECRYPT, 0xFF);
    check_tss("Esys_TRSess_SetAttributes", rc, "cannot configure the HMAC session");
    return owner;
}

TpmKey::TpmKey(std::unique_ptr<KeyObject> object, TrHandle session, const TPM2B_PUBLIC& pub,
               std::string uri)
    : object_(std::move(object)),
      session_(std::move(session)),
      type_(key_type_of(pub, uri)),
      public_(public_key_of(pub)),
      uri_(std::move(uri)) {}

EvpPkeyPtr TpmKey::public_key() const {
    EVP_PKEY_up_ref(public_.get());
    return EvpPkeyPtr(public_.get());
}

Bytes TpmKey::sign_digest(HashAlg hash, ByteView digest) const {
    if (digest.size() != keystore::digest_size(hash))
        throw Error(Errc::InvalidArgument,
                    "a " + std::to_string(digest.size()) + "-byte digest does not match its hash");
    TPM2B_DIGEST in{};
    in.size = static_cast<UINT16>(digest.size());
    std::copy(digest.begin(), digest.end(), in.buffer);
    TPMT_SIG_SCHEME scheme{};
    TPMI_ALG_HASH hash_alg = hash == HashAlg::Sha384 ? TPM2_ALG_SHA384 : TPM2_ALG_SHA256;
    // RSASSA: the TPM wraps the digest in its DigestInfo (Part 1 §B.10.2 / RFC 8017 §9.2).
    scheme.scheme = keystore::is_ec(type_) ? TPM2_ALG_ECDSA : TPM2_ALG_RSASSA;
    scheme.details.any.hashAlg = hash_alg;
    // Part 3 §20.2: a NULL ticket is valid for an unrestricted key, which signs any digest.
    TPMT_TK_HASHCHECK validation{};
    validation.tag = TPM2_ST_HASHCHECK;
    validation.hierarchy = TPM2_RH_NULL;

    ESYS_TR auth = session_ ? session_.get() : ESYS_TR_PASSWORD;
    TPMT_SIGNATURE* raw = nullptr;
    TpmConnection& tpm = object_->tpm();
    TSS2_RC rc = tpm.with_room(
        [&] {
            return Esys_Sign(tpm.get(), object_->acquire(), auth, ESYS_TR_NONE, ESYS_TR_NONE, &in,
                             &scheme, &validation, &raw);
        },
        object_.get());
    EsysPtr<TPMT_SIGNATURE> signature(raw);
    // The TPM may be gone since the key was opened: say which one, as opening it would.
    check_tss("Esys_Sign", rc, "cannot sign with " + uri_ + " through TCTI '" + tpm.tcti() + "'");

    Bytes out;
    if (keystore::is_ec(type_)) {
        std::size_t field = keystore::ec_field_size(type_);
        put_padded(out, signature->signature.ecdsa.signatureR, field);
        put_padded(out, signature->signature.ecdsa.signatureS, field);
    } else {
        const TPM2B_PUBLIC_KEY_RSA& sig = signature->signature.rsassa.sig;
        out.assign(sig.buffer, sig.buffer + sig.size);
    }
    return out;
}

}  // namespace hwacme::tpm
