#pragma once

#include <openssl/x509.h>

#include "pkcs11/key_objects.h"
#include "pkcs11/session.h"

namespace hwacme::pkcs11 {

/// Stores `certificate` on the token of `key`, as a CKO_CERTIFICATE with the
/// key's CKA_ID and CKA_LABEL, so that applications using the token (nginx with the pkcs11
/// engine, p11tool) find the certificate next to its key (the CKA_ID pairing of PKCS#11 2.40
/// §4.6.3). A certificate already stored for that CKA_ID is replaced — after the new one is
/// written, so a failure never leaves the key without a certificate.
///
/// Error{InvalidArgument} when the certificate's public key is not the key's,
/// Error{DeviceFailure} when the token refuses the object. The PKCS#11 keystore's
/// keystore::CertificateStorage. `session` is the keystore's own, the one `key` was found and
/// logged in on: storing the certificate costs no second session or login.
void store_certificate(Session& session, const KeyObject& key, X509* certificate);

}  // namespace hwacme::pkcs11
