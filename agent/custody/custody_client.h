#pragma once

#include <chrono>

#include "agent/custody/link.h"
#include "agent/custody/messages.h"
#include "agent/signing/csr_signer.h"
#include "agent/signing/request_signer.h"

namespace hwacme::custody {

/// The network process's side of the wire: one request, one reply. Not thread-safe.
class CustodyClient {
public:
    /// `answer_limit`: how long custody may take for one answer (a TPM signs in tens of
    /// milliseconds; a token asking for a PIN per signature takes longer).
    /// `link` must outlive the client.
    CustodyClient(Link& link, std::chrono::seconds answer_limit)
        : link_(link), limit_(answer_limit) {}

    /// The reply to `request`. A Refused reply is thrown as Error{its category, its message};
    /// custody gone or silent is Error{DeviceFailure}.
    Response ask(const Request& request) const;
    /// Tells custody the run is over.
    void goodbye() const;

private:
    Link& link_;
    std::chrono::seconds limit_;
};

/// A key custody holds, seen through the signing seam: what the ACME code asks of it goes over
/// the wire, by role. The client must outlive it.
class RemoteSigner final : public signing::RequestSigner, public signing::CsrSigner {
public:
    /// `spki_der`: the key's public half when custody already sent it, so it need not be asked
    /// again.
    RemoteSigner(const CustodyClient& client, KeyRole role, Bytes spki_der = {})
        : client_(client), role_(role), spki_der_(std::move(spki_der)) {}

    EvpPkeyPtr public_key() const override;
    std::string sign_request(std::string_view payload, const std::string& url,
                             const std::optional<std::string>& nonce,
                             const std::optional<std::string>& kid) const override;
    Bytes certificate_request(const std::vector<std::string>& names) const override;

private:
    const CustodyClient& client_;
    KeyRole role_;
    Bytes spki_der_;
};

}  // namespace hwacme::custody
