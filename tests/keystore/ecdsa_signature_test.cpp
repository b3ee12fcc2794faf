#include "keystore/ecdsa_signature.h"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include <catch2/catch.hpp>

#include "common/c_handle.h"
#include "common/error.h"
#include "tests/keystore/error_code.h"

using namespace hwacme;
using namespace hwacme::keystore;
using hwacme::keystore::testing::error_code_of;

namespace {

// The DER an independent encoder (OpenSSL's ECDSA_SIG) gives for r and s.
Bytes openssl_der(ByteView r, ByteView s) {
    EcdsaSigPtr sig(ECDSA_SIG_new());
    BIGNUM* r_bn = BN_bin2bn(r.data(), static_cast<int>(r.size()), nullptr);
    BIGNUM* s_bn = BN_bin2bn(s.data(), static_cast<int>(s.size()), nullptr);
    REQUIRE(ECDSA_SIG_set0(sig.get(), r_bn, s_bn) == 1);
    int length = i2d_ECDSA_SIG(sig.get(), nullptr);
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    i2d_ECDSA_SIG(sig.get(), &out);
    return der;
}

}  // namespace

TEST_CASE("ECDSA r||s converts to DER and back unchanged", "[unit]") {
    for (std::size_t field : {32u, 48u}) {
        Bytes raw(2 * field);
        for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(0x80 + i);
        Bytes der = ecdsa_raw_to_der(raw);
        CHECK(der == openssl_der(ByteView(raw).first(field), ByteView(raw).last(field)));
        CHECK(ecdsa_der_to_raw(der, field) == raw);
    }
}

TEST_CASE("short ECDSA integers are left-padded to the field width", "[unit]") {
    Bytes raw(64, 0);
    raw[31] = 0x01;      // r = 1
    raw[32 + 5] = 0x7f;  // s has 5 leading zero bytes
    raw[63] = 0x02;
    Bytes der = ecdsa_raw_to_der(raw);
    CHECK(der.size() < 70);
    Bytes back = ecdsa_der_to_raw(der, 32);
    CHECK(back == raw);
    CHECK(back.size() == 64);
}

TEST_CASE("malformed ECDSA signatures are refused as invalid arguments", "[unit]") {
    CHECK(error_code_of([] { ecdsa_raw_to_der(Bytes(63, 1)); }) == Errc::InvalidArgument);
    CHECK(error_code_of([] { ecdsa_raw_to_der(Bytes{}); }) == Errc::InvalidArgument);
    CHECK(error_code_of([] {
              ecdsa_der_to_raw(Bytes{0x30, 0x03, 0x02, 0x01}, 32);
          }) == Errc::InvalidArgument);
    Bytes der = ecdsa_raw_to_der(Bytes(64, 0x42));
    der.push_back(0x00);  // trailing garbage
    CHECK(error_code_of([&] { ecdsa_der_to_raw(der, 32); }) == Errc::InvalidArgument);
    Bytes p384 = ecdsa_raw_to_der(Bytes(96, 0x42));
    CHECK(error_code_of([&] { ecdsa_der_to_raw(p384, 32); }) == Errc::InvalidArgument);
}
