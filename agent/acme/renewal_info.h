#pragma once

#include <openssl/x509.h>

#include <chrono>
#include <optional>
#include <string>

#include "agent/acme/client.h"

namespace hwacme::acme {

/// The RFC 9773 §4.1 certificate identifier: base64url(authorityKeyIdentifier keyIdentifier)
/// "." base64url(DER serial number content bytes, a leading 0x00 included). Error{InvalidArgument}
/// when the certificate has no AKI keyIdentifier.
std::string ari_certificate_id(X509* certificate);

/// A renewalInfo answer (RFC 9773 §4.2).
struct RenewalInfo {
    std::chrono::sys_seconds window_start;
    std::chrono::sys_seconds window_end;
    std::optional<std::string> explanation_url;
    /// When to ask again (the Retry-After header); RFC 9773 §4.3 bounds it to [1 min, 1 day]
    /// and defaults it to 6 hours when absent or unreasonable.
    std::chrono::seconds retry_after{std::chrono::hours(6)};
};

/// GETs <renewalInfo>/<id> (a plain GET, no account needed); nullopt when the directory offers
/// no renewalInfo. Error{Protocol} for an error answer or a malformed window (end not after
/// start, times that are not RFC 3339).
std::optional<RenewalInfo> fetch_renewal_info(Client& acme, const std::string& certificate_id);

}  // namespace hwacme::acme
