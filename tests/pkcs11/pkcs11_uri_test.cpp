#include <catch2/catch.hpp>

#include "common/error.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "pkcs11/pkcs11_uri.h"

using hwacme::Errc;
using hwacme::Error;
using hwacme::keystore::KeyUri;
using hwacme::pkcs11::Pkcs11Uri;

namespace {

// Opens a keystore on `text` and returns the error it throws; the URI checks come before any
// module is loaded, so no device is touched.
Error open_error(const std::string& text) {
    try {
        hwacme::pkcs11::open_keystore(KeyUri::parse(text), {});
    } catch (const Error& e) {
        return e;
    }
    FAIL("open_keystore accepted " << text);
    return Error(Errc::InvalidArgument, "not reached: FAIL throws");
}

}  // namespace

TEST_CASE("pkcs11 URI with pin-value is refused without repeating the PIN", "[unit]") {
    Error e = open_error("pkcs11:token=acme;object=web?pin-value=S3cr3t-4711");
    CHECK(e.code() == Errc::InvalidUri);
    std::string message = e.what();
    CHECK(message.find("S3cr3t-4711") == std::string::npos);
    CHECK(message.find("pin-value") != std::string::npos);
    CHECK(message.find("pin-source") != std::string::npos);
}

TEST_CASE("pkcs11 URI with an unknown path attribute is InvalidUri naming it", "[unit]") {
    Error e = open_error("pkcs11:token=acme;slot-id=3;object=web");
    CHECK(e.code() == Errc::InvalidUri);
    CHECK(std::string(e.what()).find("slot-id") != std::string::npos);
}

TEST_CASE("pkcs11 URI with an unknown query attribute is InvalidUri naming it", "[unit]") {
    Error e = open_error("pkcs11:token=acme;object=web?module-name=softhsm2");
    CHECK(e.code() == Errc::InvalidUri);
    CHECK(std::string(e.what()).find("module-name") != std::string::npos);
}

TEST_CASE("pkcs11 URI without token attributes is InvalidUri", "[unit]") {
    Error e = open_error("pkcs11:object=web;id=%01");
    CHECK(e.code() == Errc::InvalidUri);
    CHECK(std::string(e.what()).find("token=") != std::string::npos);
}

TEST_CASE("pkcs11 URI with an unknown type or a relative pin-source is InvalidUri", "[unit]") {
    CHECK(open_error("pkcs11:token=a;object=w;type=secret").code() == Errc::InvalidUri);
    CHECK(open_error("pkcs11:token=a;object=w?pin-source=pin.txt").code() == Errc::InvalidUri);
    CHECK(open_error("pkcs11:token=a?module-path=/x.so&module-path=/y.so").code() ==
          Errc::InvalidUri);
}

TEST_CASE("pkcs11 URI attributes are parsed and the key URI is normalised", "[unit]") {
    auto p = Pkcs11Uri::parse(KeyUri::parse(
        "pkcs11:model=SoftHSM%20v2;token=acme;id=%01%ff;object=web?pin-source=file:/run/pin"));
    CHECK(*p.token.label == "acme");
    CHECK(*p.token.model == "SoftHSM v2");
    CHECK(*p.object == "web");
    CHECK(*p.id == hwacme::Bytes{0x01, 0xff});
    CHECK_FALSE(p.module_path_given);
    CHECK(p.module_path == hwacme::pkcs11::default_module_path());
    CHECK(p.key_uri("acme", "web", *p.id) ==
          "pkcs11:token=acme;object=web;id=%01%FF;type=private?pin-source=file:/run/pin");
}

TEST_CASE("the default PKCS#11 module is the p11-kit proxy", "[unit]") {
    CHECK(hwacme::pkcs11::default_module_path().find("p11-kit-proxy.so") != std::string::npos);
}
