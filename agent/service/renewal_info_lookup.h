#pragma once

#include <string>

#include "agent/acme/renewal_info.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// A certificate's RFC 9773 identifier and the CA's answer for it.
struct RenewalInfoLookup {
    std::string id;
    acme::RenewalInfo info;
};

/// Asks the CA of `options` when to renew the certificate in `cert_file` (PEM, leaf first).
/// Error{Unsupported} when the CA offers no renewalInfo.
RenewalInfoLookup look_up_renewal_info(const RunOptions& options, const std::string& cert_file);

}  // namespace hwacme::service
