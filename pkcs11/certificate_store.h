#pragma once

#include <openssl/x509.h>

#include "pkcs11/pkcs11_uri.h"
#include "pkcs11/session.h"

namespace hwacme::pkcs11 {

/// Stores `certificate` on the token of the key `key_uri` names, as a CKO_CERTIFICATE with the
/// key's CKA_ID and CKA_LABEL, so that applications using the token (nginx with the pkcs11
/// engine, p11tool) find the certificate next to its key (the CKA_ID pairing of PKCS#11 2.40
/// §4.6.3). A certificate already stored for that CKA_ID is replaced — after the new one is
/// written, so a failure never leaves the key without a certificate.
///
/// Error{NotFound} when the key does not exist, Error{InvalidArgument} when the certificate's
/// public key is not the key's, Error{DeviceFailure} when the token refuses the object.
/// The PKCS#11 keystore's keystore::CertificateStorage.
/// `session` is the keystore's own, logged in for `key_uri` already: storing the certificate
/// costs no second session or login.
void store_certificate(Session& session, const Pkcs11Uri& key_uri, X509* certificate);

}  // namespace hwacme::pkcs11
