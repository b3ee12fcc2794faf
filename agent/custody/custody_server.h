#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/acme/account.h"
#include "agent/custody/link.h"
#include "agent/custody/managed_certificates.h"
#include "agent/custody/messages.h"
#include "agent/custody/run_keys.h"
#include "agent/custody/signing_policy.h"
#include "common/bytes.h"

namespace hwacme::custody {

/// What custody does for one run besides signing with its keys, fixed before it starts.
struct CustodyDuties {
    /// The certificate whose identifiers the policy holds a CSR to until a certificate key
    /// request names another: `issue`'s, named "".
    std::string certificate_name = {};
    std::optional<acme::ExternalAccountBinding> eab =
        std::nullopt;                ///< the MAC key the CA handed out
    bool store_certificate = false;  ///< --store-cert-in-token
    /// The dns-01 hook program of each certificate that has one.
    std::map<std::string, std::string> dns_hooks = {};
    /// `revoke` with the certificate key: the one payload that key signs (the revokeCert of
    /// the certificate and reason the command line named).
    std::optional<std::string> revocation_payload = std::nullopt;
    /// `renew`'s certificates; null for the other commands.
    std::shared_ptr<const ManagedCertificates> managed = nullptr;
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
    CustodyServer(const SigningPolicy& policy, RunKeys& keys, CustodyDuties duties)
        : policy_(policy), keys_(keys), duties_(std::move(duties)) {}

    /// The reply to one request; nullopt for Goodbye. A refusal or a device failure is a
    /// Refused reply carrying its category; the caller logs a policy refusal and ends the run.
    std::optional<Response> answer(const Request& request) const;
    /// Error{Custody} unless the record is one of the run's identifiers' and the hook was
    /// given; then the hook's outcome.
    HookReply run_dns_hook(const DnsHookRequest& request) const;

    /// Serves the requests arriving on `link` until one of the ServeEnd reasons, waiting at most
    /// `idle_limit` for each (a run's whole timeout: the network process asks between its own
    /// waits on the CA).
    ServeEnd serve(Link& link, std::chrono::seconds idle_limit) const;

private:
    Response sign(const SignRequest& request) const;
    Response key_change(const KeyChangeRequest& request) const;
    Response binding(const EabRequest& request) const;

    Response store(const StoreCertificateRequest& request) const;
    Response select_certificate(const CertificateKeyRequest& request) const;
    Response destroy(const DestroyKeyRequest& request) const;
    HookReply deploy(const DeployHookRequest& request) const;
    const ManagedCertificates& managed() const;
    PublicKeyReply public_key_reply(const HeldKey& held) const;
    /// Runs the policy's checks of one request, remembering a refusal among them: only those
    /// end the run from custody's side (a key that fails is the network process's to report).
    void within_policy(const std::function<void()>& checks) const;

    const SigningPolicy& policy_;
    RunKeys& keys_;
    CustodyDuties duties_;
    mutable bool refused_by_policy_ = false;
    mutable std::string selected_ = duties_.certificate_name;
    /// The keys custody made in this run, as the configuration names them (a device's own form
    /// of a URI, with its id and type, differs).
    mutable std::vector<keystore::KeyUri> generated_;
    /// Each held key's public half as the wire carries it, by URI (OpenSSL takes ~70 µs to
    /// encode one); forgotten whenever a key may be replaced.
    mutable std::map<std::string, Bytes> spki_by_uri_;
};

}  // namespace hwacme::custody
