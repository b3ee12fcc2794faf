#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/acme/account.h"
#include "agent/acme/challenge_solver.h"
#include "agent/acme/order.h"
#include "agent/signing/csr_signer.h"

namespace hwacme::acme {

struct IssuanceRequest {
    std::vector<std::string> names;  ///< DNS names or IP literals; the first is the subject CN
    const signing::CsrSigner* certificate_key = nullptr;
    ChallengeSolver* solver = nullptr;  ///< answers the challenges of its type
    std::chrono::milliseconds timeout{std::chrono::minutes(5)};
    /// ARI `replaces` and the profile, sent with newOrder. A profile the directory does not
    /// offer is refused before anything is ordered.
    NewOrderOptions order_options;
    /// An order of an earlier, interrupted run to carry on with instead of a new one. It is
    /// used when it names the same identifiers and can still be finished; otherwise a new
    /// order is made.
    std::optional<std::string> resume_order_url;
    /// Called with the order once it exists, before any challenge is answered: the caller saves
    /// its URL so that a rerun after an interruption resumes it (see resume_order_url).
    std::function<void(const Order&)> on_order;
};

struct IssuedCertificate {
    std::string order_url;
    std::string certificate_url;
    std::string fullchain_pem;  ///< leaf first, as the CA sent it
    /// Other chains the CA offers for the same certificate (RFC 8555 §7.4.2, rel="alternate").
    std::vector<std::string> alternate_chain_urls;
};

/// Runs one order to its certificate (RFC 8555 §7.4): newOrder (or the resumed order, carried on
/// from its status), each pending authorization's challenge of the solver's type presented (all
/// at once), the CA told, the order polled, CSR signed by the certificate key, finalize, poll,
/// download. Authorizations already valid are skipped. What was presented is withdrawn whatever
/// happens. Wildcard names need dns-01.
IssuedCertificate issue_certificate(AccountSession& session, const IssuanceRequest& request);

}  // namespace hwacme::acme
