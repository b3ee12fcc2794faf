#pragma once

#include <optional>
#include <string>

#include "agent/service/certificate_files.h"
#include "agent/service/custody_run.h"
#include "agent/service/run_options.h"
#include "keystore/key_uri.h"

namespace hwacme::service {

/// `hwacme revoke`: the certificate file, the reason, and whose signature asks.
struct RevocationRequest {
    std::string cert_file;      ///< PEM, the leaf first
    std::optional<int> reason;  ///< RFC 5280 §5.3.1 CRLReason; none: unspecified
    /// The certificate's own key, which needs no account (RFC 8555 §7.6); empty: the account's.
    std::optional<keystore::KeyUri> cert_key;
};

/// Revokes the certificate at the CA of `options`. Error{InvalidArgument} when the file does not
/// certify the key named to sign. Returns what the certificate was.
/// What the custody process of `revoke` holds: the certificate key, which may sign only the
/// revocation, or else the account key; requests to the CA's origin only.
CustodyPlan revocation_custody_plan(const RunOptions& options, const RevocationRequest& request);

CertificateSummary revoke_certificate_file(const RunOptions& options,
                                           const RevocationRequest& request);

}  // namespace hwacme::service
