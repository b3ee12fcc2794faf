#include "agent/custody/custody_server.h"

#include <openssl/x509.h>

#include <boost/json.hpp>

#include "agent/jose/eab.h"
#include "agent/jose/jwk.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::custody {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kReplyLimit{10};

Bytes spki_der(const EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int size = i2d_PUBKEY(key, &der);
    if (size <= 0) throw Error(Errc::Crypto, "cannot encode a public key");
    Bytes out(der, der + size);
    OPENSSL_free(der);
    return out;
}

const char* role_name(KeyRole role) {
    switch (role) {
        case KeyRole::Account:
            return "the account key";
        case KeyRole::Certificate:
            return "the certificate key";
        case KeyRole::NewAccountKey:
            return "the new account key";
    }
    return "an unknown key";
}

/// A refusal as the wire carries it: one printable line within kMaxRefusalBytes (printable may
/// pass its bound by an escape and the "..." it appends).
Refused refusal(const Error& error) {
    std::string message = log::printable(error.what(), kMaxRefusalBytes - 8);
    if (message.empty()) message = "refused";
    return {error.code(), message};
}

}  // namespace

const signing::KeySigner& CustodyServer::key_for(KeyRole role) const {
    const signing::KeySigner* key = role == KeyRole::Account       ? keys_.account
                                    : role == KeyRole::Certificate ? keys_.certificate
                                                                   : keys_.new_account_key;
    if (!key)
        throw Error(Errc::Custody,
                    std::string("key custody refused: this run holds no ") + role_name(role));
    return *key;
}

Response CustodyServer::sign(const SignRequest& request) const {
    // The new account key signs only the key change custody builds; a certificate key signs
    // ACME requests only to revoke its own certificate.
    if (request.role == KeyRole::NewAccountKey)
        throw Error(Errc::Custody,
                    "key custody refused: the new account key signs only the key change");
    if (request.role == KeyRole::Certificate) policy_.allow(Operation::Revocation);
    policy_.allow_url(request.url);
    if (request.kid) policy_.allow_url(*request.kid);
    return JwsReply{key_for(request.role)
                        .sign_request(request.payload, request.url, request.nonce, request.kid)};
}

Response CustodyServer::key_change(const KeyChangeRequest& request) const {
    policy_.allow(Operation::KeyChange);
    policy_.allow_url(request.url);
    policy_.allow_url(request.account_url);
    auto old_key = key_for(KeyRole::Account).public_key();
    // RFC 8555 §7.3.5: the inner JWS names the account and its old key, signed by the new key
    // with its jwk and the keyChange URL, and no nonce.
    boost::json::object payload{{"account", request.account_url},
                                {"oldKey", boost::json::parse(jose::jwk_json(old_key.get()))}};
    return JwsReply{key_for(KeyRole::NewAccountKey)
                        .sign_request(boost::json::serialize(payload), request.url, std::nullopt,
                                      std::nullopt)};
}

Response CustodyServer::binding(const EabRequest& request) const {
    policy_.allow(Operation::ExternalAccountBinding);
    policy_.allow_url(request.url);
    if (!keys_.eab || keys_.eab->kid != request.kid)
        throw Error(Errc::Custody, "key custody refused an external account binding for key id '" +
                                       log::printable(request.kid) +
                                       "': this run was given no such EAB key");
    auto account_key = key_for(KeyRole::Account).public_key();
    return JwsReply{jose::external_account_binding(
        account_key.get(), keys_.eab->kid, keys_.eab->hmac_key, keys_.eab->alg, request.url)};
}

std::optional<Response> CustodyServer::answer(const Request& request) const {
    try {
        return std::visit(
            [&](const auto& asked) -> std::optional<Response> {
                using Asked = std::decay_t<decltype(asked)>;
                if constexpr (std::is_same_v<Asked, PublicKeyRequest>) {
                    return PublicKeyReply{spki_der(key_for(asked.role).public_key().get())};
                } else if constexpr (std::is_same_v<Asked, SignRequest>) {
                    return sign(asked);
                } else if constexpr (std::is_same_v<Asked, CsrRequest>) {
                    policy_.allow_names(keys_.certificate_name, asked.names);
                    return CsrReply{key_for(KeyRole::Certificate).certificate_request(asked.names)};
                } else if constexpr (std::is_same_v<Asked, KeyChangeRequest>) {
                    return key_change(asked);
                } else if constexpr (std::is_same_v<Asked, EabRequest>) {
                    return binding(asked);
                } else {
                    return std::nullopt;
                }
            },
            request);
    } catch (const Error& e) {
        return refusal(e);
    }
}

ServeEnd CustodyServer::serve(int fd, std::chrono::seconds idle_limit) const {
    for (;;) {
        Request request;
        try {
            request = decode_request(read_frame(fd, Clock::now() + idle_limit));
        } catch (const Error& e) {
            if (e.code() == Errc::Protocol) {
                log::error("key custody: " + std::string(e.what()));
                return ServeEnd::ProtocolError;
            }
            return ServeEnd::PeerClosed;
        }
        auto response = answer(request);
        if (!response) return ServeEnd::Goodbye;
        try {
            write_frame(fd, encode(*response), Clock::now() + kReplyLimit);
        } catch (const Error&) {
            // The network process ended (or stopped reading) between asking and hearing back.
            return ServeEnd::PeerClosed;
        }
        if (const auto* refused = std::get_if<Refused>(&*response);
            refused && refused->category == Errc::Custody) {
            log::error(refused->message);
            return ServeEnd::PolicyRefusal;
        }
    }
}

}  // namespace hwacme::custody
