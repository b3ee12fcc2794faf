#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/keystore/error_code.h"
#include "tpm/tss2_pem.h"

using hwacme::Bytes;
using hwacme::Errc;
using hwacme::keystore::testing::error_code_of;
using hwacme::tpm::decode_tss2_pem;
using hwacme::tpm::encode_tss2_pem;
using hwacme::tpm::Tss2KeyFile;

namespace {

Tss2KeyFile sample(std::uint32_t parent, bool empty_auth) {
    Tss2KeyFile key;
    key.empty_auth = empty_auth;
    key.parent = parent;
    key.public_area = Bytes(90, 0xA5);
    key.private_area = Bytes(200, 0x5A);  // long enough for a two-byte DER length
    return key;
}

}  // namespace

TEST_CASE("TSS2 key file round-trips emptyAuth, parent and both blobs", "[unit]") {
    for (bool empty_auth : {true, false}) {
        for (std::uint32_t parent : {0x40000001u, 0x81000001u}) {
            Tss2KeyFile key = sample(parent, empty_auth);
            std::string pem = encode_tss2_pem(key);
            CHECK(pem.starts_with("-----BEGIN TSS2 PRIVATE KEY-----\n"));
            Tss2KeyFile back = decode_tss2_pem(pem, "sample");
            CHECK(back.empty_auth == empty_auth);
            CHECK(back.parent == parent);
            CHECK(back.public_area == key.public_area);
            CHECK(back.private_area == key.private_area);
        }
    }
}

TEST_CASE("TSS2 key file made by tpm2-openssl decodes (owner parent, emptyAuth TRUE)", "[unit]") {
    // Header of a key `openssl genpkey -provider tpm2` wrote: OID 2.23.133.10.1.3, [0] TRUE,
    // parent 0x40000001, then the two blobs (shortened here to one byte each).
    const std::string pem =
        "-----BEGIN TSS2 PRIVATE KEY-----\n"
        "MBkGBmeBBQoBA6ADAQH/AgRAAAABBAEBBAEC\n"
        "-----END TSS2 PRIVATE KEY-----\n";
    Tss2KeyFile key = decode_tss2_pem(pem, "provider key");
    CHECK(key.empty_auth);
    CHECK(key.parent == 0x40000001u);
    CHECK(key.public_area == Bytes{0x01});
    CHECK(key.private_area == Bytes{0x02});
}

TEST_CASE("a PEM file that is not a TSS2 loadable key is refused as InvalidArgument", "[unit]") {
    const std::string other =
        "-----BEGIN PRIVATE KEY-----\nMBkGBmeBBQoBA6ADAQH/AgRAAAABBAEBBAEC\n"
        "-----END PRIVATE KEY-----\n";
    const std::string wrong_oid =  // OID 2.23.133.10.1.4 (importable key)
        "-----BEGIN TSS2 PRIVATE KEY-----\nMBkGBmeBBQoBBKADAQH/AgRAAAABBAEBBAEC\n"
        "-----END TSS2 PRIVATE KEY-----\n";
    const std::string truncated =
        "-----BEGIN TSS2 PRIVATE KEY-----\nMBkGBmeBBQoBA6ADAQH/AgRAAAAB\n"
        "-----END TSS2 PRIVATE KEY-----\n";
    for (const std::string& pem : {other, wrong_oid, truncated, std::string("no PEM at all")})
        CHECK(error_code_of([&] { decode_tss2_pem(pem, "bad"); }) == Errc::InvalidArgument);
    try {
        decode_tss2_pem(other, "/keys/x.pem");
        FAIL("no error");
    } catch (const hwacme::Error& e) {
        CHECK(std::string(e.what()).find("/keys/x.pem") != std::string::npos);
    }
}
