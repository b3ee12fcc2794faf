#include "agent/custody/custody_client.h"

#include <openssl/x509.h>

#include "common/error.h"

namespace hwacme::custody {
namespace {

template <class Reply>
Reply expect(Response response, const char* what) {
    if (auto* reply = std::get_if<Reply>(&response)) return std::move(*reply);
    throw Error(Errc::Protocol,
                std::string("key custody answered ") + what + " with another reply");
}

}  // namespace

Response CustodyClient::ask(const Request& request) const {
    Response response;
    try {
        link_.send(encode(request));
        response = decode_response(link_.receive(Clock::now() + limit_, kAnswerSpin));
    } catch (const Error& e) {
        if (e.code() == Errc::Protocol) throw;
        throw Error(Errc::DeviceFailure,
                    std::string("the key custody process ended or stopped answering: ") + e.what());
    }
    if (const auto* refused = std::get_if<Refused>(&response))
        throw Error(refused->category, refused->message);
    return response;
}

void CustodyClient::goodbye() const {
    link_.send(encode(Request{Goodbye{}}));
}

EvpPkeyPtr RemoteSigner::public_key() const {
    Bytes spki = spki_der_;
    if (spki.empty())
        spki = expect<PublicKeyReply>(client_.ask(PublicKeyRequest{role_}), "a public key request")
                   .spki_der;
    const unsigned char* der = spki.data();
    EvpPkeyPtr key(d2i_PUBKEY(nullptr, &der, static_cast<long>(spki.size())));
    if (!key || der != spki.data() + spki.size())
        throw Error(Errc::Protocol, "key custody sent a public key that does not parse");
    return key;
}

std::string RemoteSigner::sign_request(std::string_view payload, const std::string& url,
                                       const std::optional<std::string>& nonce,
                                       const std::optional<std::string>& kid) const {
    SignRequest request{role_, url, nonce, kid, std::string(payload)};
    return expect<JwsReply>(client_.ask(request), "a sign request").text;
}

Bytes RemoteSigner::certificate_request(const std::vector<std::string>& names) const {
    return expect<CsrReply>(client_.ask(CsrRequest{names}), "a CSR request").der;
}

}  // namespace hwacme::custody
