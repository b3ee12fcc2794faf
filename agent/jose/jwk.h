#pragma once

#include <openssl/evp.h>

#include <string>

#include "keystore/key.h"

namespace hwacme::jose {

/// The public JWK (RFC 7517) of an EC P-256/P-384 or RSA public key, as canonical JSON: only the
/// required members, in lexicographic order, no white space (RFC 7638 §3.2). The same text is
/// used as the JWS `jwk` header and as the thumbprint input.
/// EC: {"crv":"P-256","kty":"EC","x":"…","y":"…"}; RSA: {"e":"AQAB","kty":"RSA","n":"…"}.
/// Error{Unsupported} for any other key.
std::string jwk_json(const EVP_PKEY* public_key);

/// RFC 7638 JWK thumbprint: base64url(SHA-256(canonical JWK)).
std::string jwk_thumbprint(const EVP_PKEY* public_key);

/// RFC 8555 §8.1 key authorization: token "." thumbprint(account key).
std::string key_authorization(const std::string& token, const EVP_PKEY* account_public_key);

}  // namespace hwacme::jose
