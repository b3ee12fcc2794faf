#include "tests/support/certificate_spki.h"

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/support/process.h"
#include "tests/support/slurp.h"
#include "tests/support/temp_dir.h"

using namespace hwacme::test;

TEST_CASE("certificate_spki gives the DER public key that openssl reads from the certificate",
          "[unit]") {
    TempDir tmp("hwacme-spki-test");
    const auto cert = (tmp / "cert.pem").string();
    const auto spki = (tmp / "spki.der").string();
    auto made = run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                             "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                             (tmp / "key.pem").string(), "-out", cert, "-subj", "/CN=spki.test"});
    INFO(made.stderr_text);
    REQUIRE(made.exit_code == 0);
    auto exported = run_command({"openssl", "x509", "-in", cert, "-noout", "-pubkey", "-out",
                                 (tmp / "public.pem").string()});
    REQUIRE(exported.exit_code == 0);
    auto converted = run_command({"openssl", "pkey", "-pubin", "-in", (tmp / "public.pem").string(),
                                  "-outform", "DER", "-out", spki});
    REQUIRE(converted.exit_code == 0);
    const std::string expected = slurp(spki);
    CHECK(certificate_spki(slurp(cert)) == hwacme::Bytes(expected.begin(), expected.end()));
}

TEST_CASE("certificate_spki refuses text without a certificate", "[unit]") {
    CHECK_THROWS_AS(certificate_spki("not a certificate"), hwacme::Error);
}
