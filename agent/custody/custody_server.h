#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "agent/custody/messages.h"
#include "agent/custody/signing_policy.h"
#include "agent/signing/key_signer.h"
#include "common/bytes.h"

namespace hwacme::custody {

/// The external account binding custody makes: the MAC key the CA handed out with `kid`.
struct EabKey {
    std::string kid;
    Bytes hmac_key;
    std::string alg = "HS256";
};

/// The keys of one run, by role; a role left null is refused.
struct CustodyKeys {
    const signing::KeySigner* account = nullptr;
    const signing::KeySigner* certificate = nullptr;
    std::string certificate_name;  ///< whose identifiers the policy holds for the CSR
    const signing::KeySigner* new_account_key = nullptr;
    std::optional<EabKey> eab;
};

/// Why serve() returned.
enum class ServeEnd {
    Goodbye,        ///< the network process said it is done
    PeerClosed,     ///< it ended without a word (crashed, killed)
    PolicyRefusal,  ///< it asked for a signature outside the policy; the run is over
    ProtocolError,  ///< it sent something that is not a well-formed request
};

/// Custody's side of the wire: answers each request with the keys of the run, within the
/// policy. It builds what it signs itself — the protected header of every JWS, the CSR, the
/// key-change and EAB objects — so the network process supplies only what the policy checks.
class CustodyServer {
public:
    CustodyServer(const SigningPolicy& policy, CustodyKeys keys)
        : policy_(policy), keys_(std::move(keys)) {}

    /// The reply to one request; nullopt for Goodbye. A refusal or a device failure is a
    /// Refused reply carrying its category; the caller logs a policy refusal and ends the run.
    std::optional<Response> answer(const Request& request) const;

    /// Serves the requests arriving on `fd` until one of the ServeEnd reasons, waiting at most
    /// `idle_limit` for each (a run's whole timeout: the network process asks between its own
    /// waits on the CA).
    ServeEnd serve(int fd, std::chrono::seconds idle_limit) const;

private:
    const signing::KeySigner& key_for(KeyRole role) const;
    Response sign(const SignRequest& request) const;
    Response key_change(const KeyChangeRequest& request) const;
    Response binding(const EabRequest& request) const;

    const SigningPolicy& policy_;
    CustodyKeys keys_;
};

}  // namespace hwacme::custody
