#pragma once

#include <optional>

#include "common/bytes.h"
#include "keystore/key_type.h"

namespace hwacme::pkcs11 {

/// CKA_EC_PARAMS for a curve: the DER OBJECT IDENTIFIER of its named curve (PKCS#11 2.40
/// §2.3.3, RFC 5480 §2.1.1.1). Error{Unsupported} for an RSA type.
Bytes ec_params(keystore::KeyType type);

/// The key type whose curve CKA_EC_PARAMS names; nullopt for other curves.
std::optional<keystore::KeyType> ec_key_type(ByteView params);

}  // namespace hwacme::pkcs11
