#pragma once

#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/c_handle.h"

namespace hwacme::signing {

/// What issuance may ask of a certificate key: its public half (to check that the certificate
/// the CA sent carries it) and a certificate request for the names being ordered. The signer
/// builds the request itself, so it sees which names it vouches for; a key-custody process can
/// take its place.
class CsrSigner {
public:
    virtual ~CsrSigner() = default;

    virtual EvpPkeyPtr public_key() const = 0;

    /// A PKCS#10 request (DER) for `names`, as jose::build_csr makes it.
    virtual Bytes certificate_request(const std::vector<std::string>& names) const = 0;
};

}  // namespace hwacme::signing
