#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/c_handle.h"

namespace hwacme::signing {

/// What the ACME code may ask of a key that signs requests (the account key; a certificate key
/// that revokes its own certificate; the new key of a rollover): its public half, and a JWS
/// over a request it names. The signer builds the protected header itself, so it sees the URL,
/// nonce and account of every signature it makes: this is the seam where a key-custody process
/// can take the place of the key without the ACME code changing.
class RequestSigner {
public:
    virtual ~RequestSigner() = default;

    /// The public half, holding no private part: for `jwk` headers, thumbprints and the
    /// external account binding.
    virtual EvpPkeyPtr public_key() const = 0;

    /// The flattened JWS (RFC 7515 §7.2.2) of an ACME request (RFC 8555 §6.2): header with the
    /// key's alg, `url`, `nonce` when given, and `kid` when given, else the public `jwk`.
    /// An empty payload is a POST-as-GET.
    virtual std::string sign_request(std::string_view payload, const std::string& url,
                                     const std::optional<std::string>& nonce,
                                     const std::optional<std::string>& kid) const = 0;
};

}  // namespace hwacme::signing
