#include <tss2/tss2_tpm2_types.h>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/keystore/error_code.h"
#include "tpm/tpm_public.h"

using hwacme::Bytes;
using hwacme::Errc;
using hwacme::keystore::testing::error_code_of;

// Inputs found by fuzz/tpm_public.cpp.
TEST_CASE("an empty TPM2B_PUBLIC in a key file is refused as malformed, not read as a key",
          "[unit]") {
    const Bytes empty{0x00, 0x00};
    CHECK(error_code_of([&] { hwacme::tpm::unmarshal_public(empty, "web.tss2.pem"); }) ==
          Errc::InvalidArgument);
}

TEST_CASE("a public area of a key this backend makes unmarshals to what was marshalled", "[unit]") {
    TPM2B_PUBLIC pub = hwacme::tpm::signing_template(hwacme::keystore::KeyType::EcP256);
    Bytes marshalled = hwacme::tpm::marshal_public(pub);
    CHECK(hwacme::tpm::marshal_public(hwacme::tpm::unmarshal_public(marshalled, "template")) ==
          marshalled);
}
