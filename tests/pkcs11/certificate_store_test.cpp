#include <catch2/catch.hpp>

#include <algorithm>

#include <openssl/x509.h>

#include "common/c_handle.h"
#include "keystore/key_uri.h"
#include "pkcs11/certificate_store.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/keystore/error_code.h"
#include "tests/pkcs11/raw_token.h"
#include "tests/pkcs11/softhsm_fixture.h"

#include <p11-kit/pkcs11.h>

using hwacme::Bytes;
using hwacme::Errc;
using hwacme::EvpPkeyPtr;
using hwacme::X509Ptr;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;
using hwacme::test::RawToken;
using hwacme::test::SoftHsmToken;

namespace {

// A certificate for `subject_key`, issued by a throwaway in-memory CA key.
X509Ptr make_certificate(EVP_PKEY* subject_key, long serial) {
    EvpPkeyPtr ca(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    X509Ptr cert(X509_new());
    REQUIRE((ca && cert));
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("token.test"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), subject_key);
    REQUIRE(X509_sign(cert.get(), ca.get(), EVP_sha256()) > 0);
    return cert;
}

Bytes der(X509* cert) {
    int len = i2d_X509(cert, nullptr);
    Bytes out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_X509(cert, &p);
    return out;
}

}  // namespace

TEST_CASE("certificate is stored next to its token key and replaced on renewal", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("web"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    auto key = store->generate(uri, KeyType::EcP256);

    X509Ptr first = make_certificate(key->public_key().get(), 1);
    store->certificate_storage()->store_certificate(*key, first.get());
    X509Ptr renewed = make_certificate(key->public_key().get(), 2);
    store->certificate_storage()->store_certificate(*key, renewed.get());

    RawToken raw(token.module_path(), token.token_label(), token.pin());
    auto cert = raw.find(CKO_CERTIFICATE, "web");  // exactly one: the first was replaced
    REQUIRE(cert);
    Bytes value, cert_id, key_id;
    REQUIRE(raw.get(*cert, CKA_VALUE, &value) == CKR_OK);
    CHECK(value == der(renewed.get()));
    REQUIRE(raw.get(*cert, CKA_ID, &cert_id) == CKR_OK);
    REQUIRE(raw.get(*raw.find(CKO_PRIVATE_KEY, "web"), CKA_ID, &key_id) == CKR_OK);
    CHECK(cert_id == key_id);

    auto listed = store->listing()->list(KeyUri::parse(token.token_uri()));
    CHECK(std::count_if(listed.begin(), listed.end(), [](auto& info) {
              return KeyUri::parse(info.uri).attribute("type") == "cert";
          }) == 1);

    // remove() takes the key pair and leaves the certificate.
    store->removal()->remove(uri);
    CHECK(raw.find(CKO_CERTIFICATE, "web"));
}

TEST_CASE("certificate for another key is refused", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("web"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    auto key = store->generate(uri, KeyType::EcP256);
    EvpPkeyPtr stranger(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    X509Ptr cert = make_certificate(stranger.get(), 7);
    CHECK(error_code_of([&] {
              store->certificate_storage()->store_certificate(*key, cert.get());
          }) == Errc::InvalidArgument);
}

TEST_CASE("a key of another store gets no certificate", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("web"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    auto other_store = hwacme::pkcs11::open_keystore(uri, {});
    auto key = other_store->generate(uri, KeyType::EcP256);
    X509Ptr cert = make_certificate(key->public_key().get(), 3);
    // Another session's object handle must not be used on this one, even for the same token.
    CHECK(error_code_of([&] {
              store->certificate_storage()->store_certificate(*key, cert.get());
          }) == Errc::InvalidArgument);
}
