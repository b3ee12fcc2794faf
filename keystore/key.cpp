#include "keystore/key.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "common/openssl_error.h"

namespace hwacme::keystore {

Bytes public_key_spki(const Key& key) {
    EvpPkeyPtr pub = key.public_key();
    int len = i2d_PUBKEY(pub.get(), nullptr);
    if (len <= 0) throw_openssl("cannot encode the public key of " + key.uri());
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_PUBKEY(pub.get(), &p);
    return der;
}

Bytes digest(HashAlg hash, ByteView message) {
    const EVP_MD* md = hash == HashAlg::Sha384 ? EVP_sha384() : EVP_sha256();
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned int len = 0;
    if (EVP_Digest(message.data(), message.size(), out.data(), &len, md, nullptr) != 1)
        throw_openssl("cannot compute a message digest");
    out.resize(len);
    return out;
}

Bytes sign_message(const Key& key, ByteView message) {
    HashAlg hash = signature_hash(key.type());
    return key.sign_digest(hash, digest(hash, message));
}

}  // namespace hwacme::keystore
