#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "agent/acme/challenge_solver.h"
#include "agent/acme/issuance.h"
#include "agent/service/order_resume.h"
#include "agent/signing/csr_signer.h"
#include "common/c_handle.h"

namespace hwacme::service {

/// What `issue` and `renew` both ask of the CA for one certificate.
struct CertificateOrder {
    std::vector<std::string> names;
    std::string key_uri;  ///< of the certificate key, for messages
    std::chrono::seconds timeout{300};
    acme::NewOrderOptions order_options;
    std::string preferred_chain;  ///< issuer CN of the chain's top certificate; empty: default
};

/// A certificate the CA issued for the key that was asked, in the chain chosen.
struct ObtainedCertificate {
    acme::IssuedCertificate issued;
    std::vector<std::string> chain;  ///< PEM blocks, leaf first
    X509Ptr leaf;
};

/// Where an obtained certificate goes: plain files for `issue`, a release made live by the
/// `current` link for managed certificates. Returns one line saying what was installed.
class CertificateSink {
public:
    virtual ~CertificateSink() = default;
    virtual std::string install(const ObtainedCertificate& certificate) = 0;
};

/// The one pipeline of `issue` and `renew`: solve and issue (carrying on with the order
/// `resume` remembers, and remembering a new one there), pick the chain, check that the
/// certificate carries the key `signer` holds, install it into `sink`, and forget the order.
/// A certificate for another key is an Error{Protocol}, and its order is forgotten: resuming it
/// would only fetch the same certificate again.
std::string obtain_and_install(acme::AccountSession& session, const signing::CsrSigner& signer,
                               acme::ChallengeSolver& solver, const CertificateOrder& order,
                               OrderResume& resume, CertificateSink& sink);

}  // namespace hwacme::service
