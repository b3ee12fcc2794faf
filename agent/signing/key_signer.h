#pragma once

#include "agent/signing/csr_signer.h"
#include "agent/signing/request_signer.h"
#include "keystore/key.h"

namespace hwacme::signing {

/// The signers over a key this process holds: JWS and CSR are built here and signed by the
/// key's device. The key must outlive the signer.
class KeySigner final : public RequestSigner, public CsrSigner {
public:
    explicit KeySigner(const keystore::Key& key) : key_(key) {}

    EvpPkeyPtr public_key() const override;
    std::string sign_request(std::string_view payload, const std::string& url,
                             const std::optional<std::string>& nonce,
                             const std::optional<std::string>& kid) const override;
    Bytes certificate_request(const std::vector<std::string>& names) const override;

private:
    const keystore::Key& key_;
};

}  // namespace hwacme::signing
