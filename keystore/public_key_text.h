#pragma once

#include <string>

#include "keystore/key.h"

namespace hwacme::keystore {

/// The public half as a PEM "PUBLIC KEY" block (SubjectPublicKeyInfo), what
/// `openssl x509 -pubkey -noout` prints for a certificate of the key.
std::string public_key_pem(const Key& key);

/// Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: matches a key to its certificate with
/// `openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum`.
std::string spki_sha256_hex(const Key& key);

}  // namespace hwacme::keystore
