#include "agent/jose/eab.h"

#include <openssl/hmac.h>

#include <boost/json.hpp>

#include "agent/jose/jwk.h"
#include "common/base64url.h"
#include "common/error.h"
#include "common/openssl_error.h"

namespace hwacme::jose {
namespace {

const EVP_MD* mac_digest(std::string_view alg) {
    if (alg == "HS256") return EVP_sha256();
    if (alg == "HS384") return EVP_sha384();
    if (alg == "HS512") return EVP_sha512();
    throw Error(Errc::InvalidArgument, "unknown EAB MAC algorithm '" + std::string(alg) +
                                           "' (known: HS256, HS384, HS512)");
}

}  // namespace

std::string external_account_binding(const EVP_PKEY* account_public_key, const std::string& kid,
                                     ByteView hmac_key, std::string_view alg,
                                     const std::string& new_account_url) {
    const EVP_MD* md = mac_digest(alg);
    if (hmac_key.empty()) throw Error(Errc::InvalidArgument, "the EAB MAC key is empty");
    boost::json::object header{{"alg", alg}, {"kid", kid}, {"url", new_account_url}};
    std::string signing_input = base64url_encode(boost::json::serialize(header)) + "." +
                                base64url_encode(jwk_json(account_public_key));
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    if (!HMAC(md, hmac_key.data(), static_cast<int>(hmac_key.size()),
              reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
              mac, &mac_len))
        throw_openssl("cannot compute the EAB MAC");
    auto dot = signing_input.find('.');
    boost::json::object jws{{"protected", signing_input.substr(0, dot)},
                            {"payload", signing_input.substr(dot + 1)},
                            {"signature", base64url_encode(ByteView(mac, mac_len))}};
    return boost::json::serialize(jws);
}

}  // namespace hwacme::jose
