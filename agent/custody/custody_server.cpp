#include "agent/custody/custody_server.h"

#include <openssl/x509.h>

#include <algorithm>

#include "agent/acme/dns01_solver.h"
#include "agent/jose/eab.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::custody {
namespace {

// A DNS hook calls a provider's API; the network process waits for custody meanwhile, and
// asks for no more than what its run has left.
constexpr std::chrono::seconds kHookLimit{kMaxHookSeconds};

Bytes spki_der(const EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int size = i2d_PUBKEY(key, &der);
    if (size <= 0) throw Error(Errc::Crypto, "cannot encode a public key");
    Bytes out(der, der + size);
    OPENSSL_free(der);
    return out;
}

/// A refusal as the wire carries it: one printable line within kMaxRefusalBytes (printable may
/// pass its bound by an escape and the "..." it appends).
Refused refusal(const Error& error) {
    std::string message = log::printable(error.what(), kMaxRefusalBytes - 8);
    if (message.empty()) message = "refused";
    return {error.code(), message};
}

}  // namespace

Response CustodyServer::sign(const SignRequest& request) const {
    // The new account key signs only the key change custody builds; a certificate key signs
    // one ACME request: the revocation of the certificate the command line named, with its key.
    within_policy([&] {
        if (request.role == KeyRole::NewAccountKey)
            throw Error(Errc::Custody,
                        "key custody refused: the new account key signs only the key change");
        if (request.role == KeyRole::Certificate) {
            policy_.allow(Operation::Revocation);
            if (request.payload != duties_.revocation_payload || request.kid)
                throw Error(Errc::Custody,
                            "key custody refused to sign a request to '" +
                                log::printable(request.url) +
                                "' with the certificate key: it signs only the revocation of "
                                "the certificate the command names");
        }
        policy_.allow_url(request.url);
        if (request.kid) policy_.allow_url(*request.kid);
    });
    return JwsReply{
        keys_.key(request.role)
            .requests.sign_request(request.payload, request.url, request.nonce, request.kid)};
}

Response CustodyServer::key_change(const KeyChangeRequest& request) const {
    within_policy([&] {
        policy_.allow(Operation::KeyChange);
        policy_.allow_url(request.url);
        policy_.allow_url(request.account_url);
    });
    auto old_key = keys_.key(KeyRole::Account).requests.public_key();
    acme::NewKeyChange change(keys_.key(KeyRole::NewAccountKey).requests);
    return JwsReply{change.inner_jws(request.url, request.account_url, old_key.get())};
}

Response CustodyServer::binding(const EabRequest& request) const {
    const auto& eab = duties_.eab;
    within_policy([&] {
        policy_.allow(Operation::ExternalAccountBinding);
        policy_.allow_url(request.url);
        if (!eab || eab->kid != request.kid)
            throw Error(Errc::Custody,
                        "key custody refused an external account binding for key id '" +
                            log::printable(request.kid) + "': this run was given no such EAB key");
    });
    auto account_key = keys_.key(KeyRole::Account).requests.public_key();
    return JwsReply{jose::external_account_binding(account_key.get(), eab->kid, eab->mac_key(),
                                                   eab->alg, request.url)};
}

Response CustodyServer::store(const StoreCertificateRequest& request) const {
    within_policy([&] {
        if (!duties_.store_certificate)
            throw Error(Errc::Custody,
                        "key custody refused to store a certificate in the token: this run was "
                        "not asked to (--store-cert-in-token)");
    });
    const unsigned char* der = request.der.data();
    X509Ptr certificate(d2i_X509(nullptr, &der, static_cast<long>(request.der.size())));
    if (!certificate || der != request.der.data() + request.der.size())
        throw Error(Errc::Protocol, "the certificate to store does not parse");
    // The store checks that the certificate carries the certificate key.
    keys_.store_certificate(certificate.get());
    return Done{};
}

const ManagedCertificates& CustodyServer::managed() const {
    if (!duties_.managed)
        throw Error(Errc::Custody,
                    "key custody refused: this command manages no configured certificates");
    return *duties_.managed;
}

Response CustodyServer::select_certificate(const CertificateKeyRequest& request) const {
    KeySpec spec;
    within_policy([&] { spec = managed().key_of(request.certificate, request.generation); });
    spki_by_uri_.clear();
    const auto& held = keys_.select_certificate(request.certificate, request.generation, spec);
    selected_ = request.certificate;
    if (held.generated) generated_.push_back(spec.uri);
    return public_key_reply(held);
}

PublicKeyReply CustodyServer::public_key_reply(const HeldKey& held) const {
    auto known = spki_by_uri_.find(held.uri);
    if (known == spki_by_uri_.end())
        known = spki_by_uri_.emplace(held.uri, spki_der(held.requests.public_key().get())).first;
    return PublicKeyReply{known->second, held.uri, held.generated, held.key_type};
}

Response CustodyServer::destroy(const DestroyKeyRequest& request) const {
    within_policy([&] {
        auto uri = keystore::KeyUri::parse(request.key_uri);
        managed().allow_destroy(
            request.certificate, request.key_uri,
            std::find(generated_.begin(), generated_.end(), uri) != generated_.end());
    });
    keys_.destroy_key(request.certificate, request.key_uri);
    // A key made again under the same name is another key.
    spki_by_uri_.clear();
    log::info("key custody destroyed " + log::printable(request.key_uri) + " of " +
              request.certificate);
    return Done{};
}

HookReply CustodyServer::deploy(const DeployHookRequest& request) const {
    const ManagedCertificates* certificates = nullptr;
    within_policy([&] { certificates = &managed(); });
    return certificates->deploy(request.certificate);
}

HookReply CustodyServer::run_dns_hook(const DnsHookRequest& request) const {
    auto hook = duties_.dns_hooks.find(selected_);
    within_policy([&] {
        if (hook == duties_.dns_hooks.end())
            throw Error(Errc::Custody, "key custody refused to run a DNS hook: this run has none");
        policy_.allow_dns_record(selected_, request.record);
    });
    // The same hook, started the same way, as a run in one process starts it.
    auto outcome = acme::LocalDnsHook(hook->second)
                       .run(request.action, request.record, request.value,
                            std::chrono::steady_clock::now() +
                                std::min(std::chrono::seconds(request.seconds), kHookLimit));
    return {outcome.succeeded(), log::printable(outcome.describe(), 200)};
}

void CustodyServer::within_policy(const std::function<void()>& checks) const {
    try {
        checks();
    } catch (const Error&) {
        refused_by_policy_ = true;
        throw;
    }
}

std::optional<Response> CustodyServer::answer(const Request& request) const {
    refused_by_policy_ = false;
    try {
        return std::visit(
            [&](const auto& asked) -> std::optional<Response> {
                using Asked = std::decay_t<decltype(asked)>;
                if constexpr (std::is_same_v<Asked, PublicKeyRequest>) {
                    return public_key_reply(keys_.key(asked.role));
                } else if constexpr (std::is_same_v<Asked, SignRequest>) {
                    return sign(asked);
                } else if constexpr (std::is_same_v<Asked, CsrRequest>) {
                    within_policy([&] { policy_.allow_names(selected_, asked.names); });
                    return CsrReply{
                        keys_.key(KeyRole::Certificate).csr.certificate_request(asked.names)};
                } else if constexpr (std::is_same_v<Asked, KeyChangeRequest>) {
                    return key_change(asked);
                } else if constexpr (std::is_same_v<Asked, EabRequest>) {
                    return binding(asked);
                } else if constexpr (std::is_same_v<Asked, StoreCertificateRequest>) {
                    return store(asked);
                } else if constexpr (std::is_same_v<Asked, DnsHookRequest>) {
                    return run_dns_hook(asked);
                } else if constexpr (std::is_same_v<Asked, CertificateKeyRequest>) {
                    return select_certificate(asked);
                } else if constexpr (std::is_same_v<Asked, DestroyKeyRequest>) {
                    return destroy(asked);
                } else if constexpr (std::is_same_v<Asked, DeployHookRequest>) {
                    return deploy(asked);
                } else {
                    return std::nullopt;
                }
            },
            request);
    } catch (const Error& e) {
        return refusal(e);
    } catch (const std::exception& e) {
        return refusal(Error(Errc::DeviceFailure, std::string("key custody failed: ") + e.what()));
    }
}

ServeEnd CustodyServer::serve(Link& link, std::chrono::seconds idle_limit) const {
    for (;;) {
        Request request;
        try {
            request = decode_request(link.receive(Clock::now() + idle_limit, kNextRequestSpin));
        } catch (const Error& e) {
            if (e.code() == Errc::Protocol) {
                log::error("key custody: " + std::string(e.what()));
                return ServeEnd::ProtocolError;
            }
            return ServeEnd::PeerClosed;
        }
        auto response = answer(request);
        if (!response) return ServeEnd::Goodbye;
        // Logged before the network process hears of it, so custody's line comes first and
        // the run's last line is the network process's error.
        if (refused_by_policy_) log::error(std::get<Refused>(*response).message);
        try {
            link.send(encode(*response));
        } catch (const Error&) {
            // The network process ended, asleep, between asking and hearing back.
            return ServeEnd::PeerClosed;
        }
        if (refused_by_policy_) return ServeEnd::PolicyRefusal;
    }
}

}  // namespace hwacme::custody
