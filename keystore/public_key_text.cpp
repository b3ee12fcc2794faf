#include "keystore/public_key_text.h"

#include <openssl/pem.h>

#include "common/openssl_error.h"

namespace hwacme::keystore {

std::string public_key_pem(const Key& key) {
    EvpPkeyPtr pub = key.public_key();
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), pub.get()) != 1)
        throw_openssl("cannot write the public key of " + key.uri() + " as PEM");
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string spki_sha256_hex(const Key& key) {
    constexpr char kDigits[] = "0123456789abcdef";
    std::string hex;
    for (auto byte : digest(HashAlg::Sha256, public_key_spki(key))) {
        hex += kDigits[byte >> 4];
        hex += kDigits[byte & 0x0f];
    }
    return hex;
}

}  // namespace hwacme::keystore
