#pragma once

#include "pkcs11/key_objects.h"

namespace hwacme::pkcs11 {

/// Generates a sign-only key pair inside the token (PKCS#11 2.40 §5.14 C_GenerateKeyPair):
/// private key CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE TRUE, CKA_EXTRACTABLE FALSE, CKA_SIGN TRUE
/// and CKA_DECRYPT, CKA_UNWRAP, CKA_DERIVE FALSE; public key CKA_VERIFY TRUE, CKA_ENCRYPT and
/// CKA_WRAP FALSE. CKA_LABEL is the URI's object (required), CKA_ID its id or 16 random bytes.
///
/// libp11 0.4.12's PKCS11_generate_key takes no template (and leaves CKA_DECRYPT TRUE), so this
/// one step goes through the module's function list on the keystore's session.
///
/// Error{AlreadyExists} when a key with that label or id is on the token; Error{Unsupported}
/// when the token lacks the mechanism or the key size.
KeyObject generate_key(Session& session, const Pkcs11Uri& uri, keystore::KeyType type);

}  // namespace hwacme::pkcs11
