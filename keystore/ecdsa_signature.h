#pragma once

#include <cstddef>

#include "common/bytes.h"

namespace hwacme::keystore {

/// ECDSA signatures come in two encodings: DER `SEQUENCE { r INTEGER, s INTEGER }` (X.509, CSRs,
/// OpenSSL) and fixed-width big-endian r||s (JWS, RFC 7518 §3.4; PKCS#11 CKM_ECDSA; TPM).

/// r||s of 2 × field_size bytes → DER. Error{InvalidArgument} on a wrong length.
Bytes ecdsa_raw_to_der(ByteView raw);

/// DER → r||s, each left-padded to field_size bytes. Error{InvalidArgument} on bad DER or an
/// integer longer than field_size.
Bytes ecdsa_der_to_raw(ByteView der, std::size_t field_size);

}  // namespace hwacme::keystore
