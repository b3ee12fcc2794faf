#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

#include "common/bytes.h"

namespace hwacme::jose {

/// The externalAccountBinding member of a newAccount request (RFC 8555 §7.3.4): a flattened JWS
/// over the account's public JWK, MACed with the key the CA handed out with `kid`.
/// `alg` is HS256, HS384 or HS512; Error{InvalidArgument} for anything else or an empty key.
std::string external_account_binding(const EVP_PKEY* account_public_key, const std::string& kid,
                                     ByteView hmac_key, std::string_view alg,
                                     const std::string& new_account_url);

}  // namespace hwacme::jose
