#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "keystore/key.h"

namespace hwacme::jose {

/// RFC 7515 flattened JSON serialization: {"protected":…,"payload":…,"signature":…}.
/// `protected_header` is the header JSON text; it is base64url-encoded as given. An empty
/// `payload` stays empty ("payload":"") — the ACME POST-as-GET form (RFC 8555 §6.3).
/// The signing input is ASCII(b64(protected) "." b64(payload)); `key` signs it through
/// keystore::sign_message, so every backend goes through the same path.
std::string sign_flattened(const keystore::Key& key, const std::string& protected_header,
                           std::string_view payload);

/// The ACME request header (RFC 8555 §6.2): alg from the key, url, nonce when given, and `kid`
/// when given or else the key's `jwk`. Members in a fixed order.
std::string acme_protected_header(const keystore::Key& key, const std::string& url,
                                  const std::optional<std::string>& nonce,
                                  const std::optional<std::string>& kid);

/// sign_flattened(key, acme_protected_header(...), payload).
std::string sign_acme_request(const keystore::Key& key, std::string_view payload,
                              const std::string& url, const std::optional<std::string>& nonce,
                              const std::optional<std::string>& kid);

}  // namespace hwacme::jose
