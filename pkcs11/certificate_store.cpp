// libp11.h pulls in deprecated OpenSSL declarations; see module.cpp.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "pkcs11/certificate_store.h"

#include <libp11.h>

#include "common/openssl_error.h"
#include "pkcs11/key_objects.h"
#include "pkcs11/public_half.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {

void store_certificate(Session& session, const KeyObject& key, X509* certificate) {
    if (key.id.empty())
        throw Error(Errc::InvalidArgument,
                    "PKCS#11 key '" + key.label + "' has no CKA_ID to pair a certificate with");

    EvpPkeyPtr public_key = read_public_key(session, key).key;
    if (EVP_PKEY_eq(X509_get0_pubkey(certificate), public_key.get()) != 1)
        throw Error(Errc::InvalidArgument, "the certificate is not for PKCS#11 key '" + key.label +
                                               "' on token '" + session.token().label + "'");

    auto* token =
        static_cast<PKCS11_TOKEN*>(session.module().libp11_token(session.token().slot_id));
    if (!token)
        throw Error(Errc::DeviceFailure,
                    "PKCS#11 token '" + session.token().label + "' left its slot");
    auto previous = find_objects(session, CKO_CERTIFICATE, std::nullopt, key.id);
    // libp11 fills CKA_SUBJECT, CKA_ISSUER, CKA_SERIAL_NUMBER and CKA_VALUE from the X509; the
    // login it needs is the process's, made above.
    // libp11 takes the label and id through non-const pointers.
    std::string label = key.label;
    Bytes id = key.id;
    if (PKCS11_store_certificate(token, certificate, label.data(), id.data(), id.size(), nullptr) !=
        0)
        throw_openssl(
            "cannot store the certificate on PKCS#11 token '" + session.token().label + "'",
            Errc::DeviceFailure);
    for (ObjectHandle old : previous) session.destroy(old);
}

}  // namespace hwacme::pkcs11
