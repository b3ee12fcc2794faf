#include "agent/signing/key_signer.h"

#include "agent/jose/csr.h"
#include "agent/jose/jws.h"

namespace hwacme::signing {

EvpPkeyPtr KeySigner::public_key() const {
    return key_.public_key();
}

std::string KeySigner::sign_request(std::string_view payload, const std::string& url,
                                    const std::optional<std::string>& nonce,
                                    const std::optional<std::string>& kid) const {
    return jose::sign_acme_request(key_, payload, url, nonce, kid);
}

Bytes KeySigner::certificate_request(const std::vector<std::string>& names) const {
    return jose::build_csr(key_, names);
}

}  // namespace hwacme::signing
