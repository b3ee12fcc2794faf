#include "tests/support/certificate_spki.h"

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/c_handle.h"
#include "common/error.h"

namespace hwacme::test {

Bytes certificate_spki(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) throw Error(Errc::InvalidArgument, "certificate_spki: no PEM certificate");
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(X509_get0_pubkey(cert.get()), &der);
    if (length <= 0) throw Error(Errc::InvalidArgument, "certificate_spki: no public key");
    Bytes out(der, der + length);
    OPENSSL_free(der);
    return out;
}

}  // namespace hwacme::test
