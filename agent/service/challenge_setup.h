#pragma once

#include <memory>
#include <string>
#include <vector>

#include "agent/acme/account.h"
#include "agent/acme/challenge_solver.h"
#include "agent/acme/issuance.h"
#include "agent/config/config.h"
#include "agent/http/http01_responder.h"
#include "agent/http/tls_alpn01_responder.h"

namespace hwacme::service {

/// The solver for a challenge type and the server it answers through, if any; the servers stop
/// when this goes out of scope.
struct ChallengeSetup {
    std::unique_ptr<http::Http01Responder> http01;
    std::unique_ptr<http::TlsAlpn01Responder> tls_alpn01;
    std::unique_ptr<acme::ChallengeSolver> solver;
};

/// Sets up what `challenge` describes, for `issue` (from its options) and `renew` (from the
/// configuration). Error{InvalidArgument} for dns-01 without a hook.
ChallengeSetup set_up_challenge(const config::ChallengeConfig& challenge);

/// The chain whose top certificate was issued by `preferred_issuer` (a CA's root CN), among the
/// default and the alternates (RFC 8555 §7.4.2); the default when none matches or none is asked.
std::vector<std::string> choose_chain(acme::AccountSession& session,
                                      const acme::IssuedCertificate& issued,
                                      const std::string& preferred_issuer);

}  // namespace hwacme::service
