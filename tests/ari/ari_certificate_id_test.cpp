#include <openssl/bn.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <optional>

#include "agent/acme/renewal_info.h"
#include "common/bytes.h"
#include "common/c_handle.h"
#include "common/error.h"

using namespace hwacme;

namespace {

using AuthorityKeyIdPtr = CHandle<AUTHORITY_KEYID, &AUTHORITY_KEYID_free>;

/// A self-signed certificate with exactly this serial (hex) and AKI keyIdentifier, read back
/// from DER as a certificate from a file would be.
X509Ptr certificate_with(const char* serial_hex, const std::optional<Bytes>& key_identifier) {
    EvpPkeyPtr key(EVP_EC_gen("P-256"));
    X509Ptr cert(X509_new());
    REQUIRE((key && cert));
    X509_set_version(cert.get(), X509_VERSION_3);
    BIGNUM* serial = nullptr;
    REQUIRE(BN_hex2bn(&serial, serial_hex) > 0);
    BignumPtr serial_owner(serial);
    REQUIRE(BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get())));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("ari test"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_set_pubkey(cert.get(), key.get());
    if (key_identifier) {
        AuthorityKeyIdPtr aki(AUTHORITY_KEYID_new());
        aki->keyid = ASN1_OCTET_STRING_new();
        ASN1_OCTET_STRING_set(aki->keyid, key_identifier->data(),
                              static_cast<int>(key_identifier->size()));
        REQUIRE(X509_add1_ext_i2d(cert.get(), NID_authority_key_identifier, aki.get(), 0,
                                  X509V3_ADD_DEFAULT) == 1);
    }
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    unsigned char* der = nullptr;
    int length = i2d_X509(cert.get(), &der);
    REQUIRE(length > 0);
    const unsigned char* cursor = der;
    X509Ptr parsed(d2i_X509(nullptr, &cursor, length));
    OPENSSL_free(der);
    REQUIRE(parsed);
    return parsed;
}

// RFC 9773 §4.1's example: this keyIdentifier and the serial 0x87654321 (DER 00 87 65 43 21).
const Bytes kRfcKeyIdentifier{0x69, 0x88, 0x5B, 0x6B, 0x87, 0x46, 0x40, 0x41, 0xE1, 0xB3,
                              0x7B, 0x84, 0x7B, 0xA0, 0xAE, 0x2C, 0xDE, 0x01, 0xC8, 0xD4};

}  // namespace

TEST_CASE("the ARI id of RFC 9773's example keyIdentifier and serial is the RFC's", "[unit]") {
    auto cert = certificate_with("87654321", kRfcKeyIdentifier);
    CHECK(acme::ari_certificate_id(cert.get()) == "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
}

TEST_CASE("a serial without its top bit set gets no leading zero in the ARI id", "[unit]") {
    // DER 0x01 0x02 → base64url "AQI"; a 0x00 would have been "AAEC".
    auto cert = certificate_with("0102", Bytes{0xC0, 0xFF, 0xEE});
    CHECK(acme::ari_certificate_id(cert.get()) == "wP_u.AQI");
}

TEST_CASE("a certificate without an authority key identifier has no ARI id", "[unit]") {
    auto cert = certificate_with("0102", std::nullopt);
    try {
        acme::ari_certificate_id(cert.get());
        FAIL("an id was made without an AKI");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::InvalidArgument);
        CHECK(std::string(e.what()).find("authority key identifier") != std::string::npos);
    }
}
