#include "agent/custody/remote_keys.h"

#include "common/error.h"

namespace hwacme::custody {

struct RemoteKeys::Remote {
    Remote(const CustodyClient& client, KeyRole role, const PublicKeyReply& reply)
        : signer(client, role, reply.spki_der),
          held{reply.uri, reply.generated, reply.key_type, signer, signer} {}

    RemoteSigner signer;
    HeldKey held;
};

RemoteKeys::RemoteKeys(const CustodyClient& client) : client_(client) {}

RemoteKeys::~RemoteKeys() = default;

const HeldKey& RemoteKeys::key(KeyRole role) {
    if (auto found = remote_.find(role); found != remote_.end()) return found->second->held;
    return held(role, client_.ask(PublicKeyRequest{role}));
}

const HeldKey& RemoteKeys::held(KeyRole role, const Response& reply) {
    const auto* public_key = std::get_if<PublicKeyReply>(&reply);
    if (!public_key)
        throw Error(Errc::Protocol, "key custody answered a public key request with another reply");
    auto& remote = remote_[role] = std::make_unique<Remote>(client_, role, *public_key);
    return remote->held;
}

const HeldKey& RemoteKeys::select_certificate(const std::string& certificate,
                                              std::uint32_t generation, const KeySpec&) {
    remote_.erase(KeyRole::Certificate);
    return held(KeyRole::Certificate, client_.ask(CertificateKeyRequest{certificate, generation}));
}

void RemoteKeys::destroy_key(const std::string& certificate, const std::string& key_uri) {
    // Custody names a key in its device's own form (with its id and type): the one destroyed
    // may be the certificate key selected last, which is then asked for no more.
    remote_.erase(KeyRole::Certificate);
    if (!std::holds_alternative<Done>(client_.ask(DestroyKeyRequest{certificate, key_uri})))
        throw Error(Errc::Protocol, "key custody answered a destroy request with another reply");
}

void RemoteKeys::store_certificate(X509* certificate) {
    unsigned char* der = nullptr;
    int size = i2d_X509(certificate, &der);
    if (size <= 0) throw Error(Errc::Crypto, "cannot encode the certificate to store");
    Bytes bytes(der, der + size);
    OPENSSL_free(der);
    auto reply = client_.ask(StoreCertificateRequest{std::move(bytes)});
    if (!std::holds_alternative<Done>(reply))
        throw Error(Errc::Protocol, "key custody answered a store request with another reply");
}

}  // namespace hwacme::custody
