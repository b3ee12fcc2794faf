#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/service/acme_context.h"
#include "agent/service/certificate_files.h"
#include "agent/service/custody_run.h"
#include "agent/service/run_options.h"
#include "keystore/key_type.h"
#include "keystore/key_uri.h"

namespace hwacme::service {

/// One certificate written to plain files (`hwacme issue`).
struct IssueRequest {
    std::vector<std::string> names;  ///< DNS names or IP literals; the first is the subject CN
    keystore::KeyUri key_uri;
    keystore::KeyType key_type = keystore::KeyType::EcP256;  ///< for a key generated now
    std::filesystem::path out_dir;
    config::ChallengeConfig challenge;
    AccountRequest account;
    std::chrono::seconds timeout{300};
    bool store_cert_in_token = false;  ///< also store it beside its key in the PKCS#11 token
    std::string preferred_chain;
    std::string profile;
    std::filesystem::path replaces;  ///< PEM file of the certificate this one renews
};

struct IssuedFiles {
    CertificateFiles files;
    CertificateSummary summary;
    std::string key_uri;
};

/// Issues the certificate `request` describes and writes cert.pem, chain.pem and fullchain.pem.
/// Everything that can be refused before it costs anything is checked first: the names, the
/// challenge set-up (a webroot refused, a port taken), the CA's reachability; only then are an
/// account registered and a key generated. The order is saved in the state folder while it is
/// under way, so a rerun resumes it.
IssuedFiles issue_to_files(const RunOptions& options, const IssueRequest& request);

/// The keys `issue` uses: the account key (generated only to register) and the certificate
/// key (generated when missing).
custody::KeyPlan issue_key_plan(const RunOptions& options, const IssueRequest& request);

/// What the custody process of `issue` holds and agrees to: those keys, requests to the CA's
/// origin, a CSR for exactly request.names, the certificate stored in the token when asked, and
/// the DNS hook of a dns-01 challenge.
CustodyPlan issue_custody_plan(const RunOptions& options, const IssueRequest& request);

}  // namespace hwacme::service
