#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agent/acme/client.h"
#include "agent/signing/request_signer.h"
#include "common/bytes.h"

namespace hwacme::acme {

/// RFC 5280 §5.3.1 reason codes by name ("keyCompromise", "superseded", …) or number.
/// Error{InvalidArgument} listing the names for anything else.
int parse_revocation_reason(std::string_view text);

/// The payload of a revokeCert request (RFC 8555 §7.6): the certificate and, when given, the
/// reason. Key custody builds it too, to hold a certificate key's signature to exactly this.
std::string revocation_payload(ByteView certificate_der, std::optional<int> reason);

/// Revokes a certificate (RFC 8555 §7.6). With `account_url` the request is signed by the
/// account key (`kid`); without, by the certificate's own key (`jwk`), which must then match the
/// certificate. Error{Protocol} naming the problem otherwise — alreadyRevoked included.
void revoke_certificate(Client& acme, ByteView certificate_der, std::optional<int> reason,
                        const signing::RequestSigner& signing_key,
                        const std::optional<std::string>& account_url);

}  // namespace hwacme::acme
