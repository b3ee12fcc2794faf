#include <stdlib.h>

#include <catch2/catch.hpp>

#include "common/error.h"
#include "tests/keystore/error_code.h"
#include "tpm/tpm_keystore.h"

using hwacme::Errc;
using hwacme::keystore::KeystoreOptions;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;

namespace {

// A TCTI nothing listens on: port 1 on loopback is privileged and unused in a test sandbox.
const std::string kDeadTcti = "swtpm:host=127.0.0.1,port=1";

// Never the default TCTI: a [unit] test must not reach /dev/tpmrm0.
KeystoreOptions dead_tpm() {
    KeystoreOptions options;
    options.tcti = kDeadTcti;
    return options;
}

std::optional<Errc> open_error(const std::string& uri,
                               const KeystoreOptions& options = dead_tpm()) {
    return error_code_of([&] {
        auto store = hwacme::tpm::open_keystore(KeyUri::parse(uri), options);
        store->open(KeyUri::parse(uri));
    });
}

std::string open_message(const std::string& uri, const KeystoreOptions& options) {
    try {
        hwacme::tpm::open_keystore(KeyUri::parse(uri), options)->open(KeyUri::parse(uri));
    } catch (const hwacme::Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("tpm2: URI naming a TCTI is refused: the TPM comes from configuration", "[unit]") {
    CHECK(open_error("tpm2:path=/k/a.tss2.pem?tcti=swtpm:host=127.0.0.1") == Errc::InvalidUri);
    CHECK(open_error("tpm2:tcti=device;path=/k/a.tss2.pem") == Errc::InvalidUri);
}

TEST_CASE("tpm2: URI with unknown attributes or malformed values is refused", "[unit]") {
    CHECK(open_error("tpm2:path=relative/a.tss2.pem") == Errc::InvalidUri);
    CHECK(open_error("tpm2:handle=0x80000001") == Errc::InvalidUri);  // transient
    CHECK(open_error("tpm2:handle=0x81800000") == Errc::InvalidUri);  // platform range
    CHECK(open_error("tpm2:handle=81000002") == Errc::InvalidUri);
    CHECK(open_error("tpm2:handle=0x81000002x") == Errc::InvalidUri);
    CHECK(open_error("tpm2:path=/k/a.tss2.pem;handle=0x81000002") == Errc::InvalidUri);
    CHECK(open_error("tpm2:label=web") == Errc::InvalidUri);
    CHECK(open_error("tpm2:path=/k/a.tss2.pem?pin-value=1234") == Errc::InvalidUri);
    CHECK(open_error("tpm2:path=/k/a.tss2.pem?auth-source=env:AUTH") == Errc::InvalidUri);
    CHECK(open_error("tpm2:?auth-source=file:/etc/auth") == Errc::InvalidUri);
}

TEST_CASE("tpm2: URI for the TPM itself names no key to open or generate", "[unit]") {
    KeystoreOptions options;
    options.tcti = kDeadTcti;
    auto store = hwacme::tpm::open_keystore(KeyUri::parse("tpm2:"), options);
    CHECK(error_code_of([&] { store->open(KeyUri::parse("tpm2:")); }) == Errc::InvalidUri);
    CHECK(error_code_of([&] {
              store->generate(KeyUri::parse("tpm2:"), hwacme::keystore::KeyType::EcP256);
          }) == Errc::InvalidUri);
}

TEST_CASE("TPM keystore whose TCTI cannot connect fails with DeviceFailure naming the TCTI",
          "[unit]") {
    KeystoreOptions options;
    options.tcti = kDeadTcti;
    const std::string uri = "tpm2:handle=0x81000002";
    CHECK(open_error(uri, options) == Errc::DeviceFailure);
    CHECK(open_message(uri, options).find(kDeadTcti) != std::string::npos);

    options.tcti = "nosuchtcti:x";
    CHECK(open_error(uri, options) == Errc::DeviceFailure);
    CHECK(open_message(uri, options).find("nosuchtcti:x") != std::string::npos);
}

TEST_CASE("TPM keystore takes its TCTI from HWACME_TCTI when the options name none", "[unit]") {
    ::setenv("HWACME_TCTI", "swtpm:host=127.0.0.1,port=2", 1);
    std::string message = open_message("tpm2:handle=0x81000002", {});
    KeystoreOptions options;
    options.tcti = kDeadTcti;
    std::string configured = open_message("tpm2:handle=0x81000002", options);
    ::unsetenv("HWACME_TCTI");
    CHECK(message.find("swtpm:host=127.0.0.1,port=2") != std::string::npos);
    CHECK(configured.find(kDeadTcti) != std::string::npos);  // the option wins over the env
}

TEST_CASE("listing a folder of TPM key files needs no TPM", "[unit]") {
    KeystoreOptions options;
    options.tcti = kDeadTcti;
    auto store = hwacme::tpm::open_keystore(KeyUri::parse("tpm2:path=/nonexistent"), options);
    CHECK(error_code_of([&] {
              store->listing()->list(KeyUri::parse("tpm2:path=/nonexistent-folder"));
          }) == Errc::NotFound);
    CHECK(store->listing()->list(KeyUri::parse("tpm2:path=/")).empty());
}
