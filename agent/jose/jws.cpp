#include "agent/jose/jws.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "agent/jose/jwk.h"
#include "common/base64url.h"
#include "common/error.h"
#include "keystore/key_type.h"

namespace hwacme::jose {
namespace {

std::string json_string(std::string_view text) {
    return boost::json::serialize(boost::json::string(text));
}

}  // namespace

std::string sign_flattened(const keystore::Key& key, const std::string& protected_header,
                           std::string_view payload) {
    const std::string encoded_header = base64url_encode(protected_header);
    const std::string encoded_payload = base64url_encode(payload);
    // RFC 7515 §5.1 step 5: the signing input is the two encoded parts joined by a period.
    const std::string signing_input = encoded_header + "." + encoded_payload;
    const std::string signature =
        base64url_encode(keystore::sign_message(key, as_bytes(signing_input)));
    // All three values are base64url, which needs no JSON escaping (RFC 7515 §7.2.2).
    return R"({"protected":")" + encoded_header + R"(","payload":")" + encoded_payload +
           R"(","signature":")" + signature + R"("})";
}

std::string acme_protected_header(const keystore::Key& key, const std::string& url,
                                  const std::optional<std::string>& nonce,
                                  const std::optional<std::string>& kid) {
    // RFC 8555 §6.2: "jwk" and "kid" are mutually exclusive; newAccount and revocation by
    // certificate key use "jwk", every other request the account URL as "kid".
    std::string header = R"({"alg":)" + json_string(keystore::jws_algorithm(key.type()));
    if (kid) {
        if (kid->empty()) throw Error(Errc::InvalidArgument, "empty account URL for JWS kid");
        header += R"(,"kid":)" + json_string(*kid);
    } else {
        header += R"(,"jwk":)" + jwk_json(key.public_key().get());
    }
    // RFC 8555 §6.5 requires a nonce on every request to the server, but the inner JWS of a
    // key change (§7.3.5) must not carry one: an absent nonce leaves the member out.
    if (nonce) header += R"(,"nonce":)" + json_string(*nonce);
    header += R"(,"url":)" + json_string(url) + "}";
    return header;
}

std::string sign_acme_request(const keystore::Key& key, std::string_view payload,
                              const std::string& url, const std::optional<std::string>& nonce,
                              const std::optional<std::string>& kid) {
    return sign_flattened(key, acme_protected_header(key, url, nonce, kid), payload);
}

}  // namespace hwacme::jose
