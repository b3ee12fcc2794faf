#include <array>
#include <catch2/catch.hpp>

#include "tests/keystore/keystore_conformance.h"
#include "tests/tpm/tpm_test_support.h"
#include "tpm/tpm_keystore.h"

using namespace hwacme;
using namespace hwacme::tpm::testing;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;

namespace {
constexpr std::array kTypes{KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048};
}

TEST_CASE("TPM key-file keystore passes the keystore conformance check", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    keystore::testing::check_keystore_conformance(
        *store,
        [&](std::string_view name) {
            return file_uri((dir / (std::string(name) + ".tss2.pem")).string());
        },
        kTypes, KeyUri::parse("tpm2:path=" + dir.path().string()));
    CHECK(nothing_loaded(swtpm.tcti()));
}

TEST_CASE("TPM persistent-handle keystore passes the keystore conformance check", "[swtpm]") {
    test::SwtpmFixture swtpm;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    std::uint32_t next = 0x81000100;
    keystore::testing::check_keystore_conformance(
        *store, [&](std::string_view) { return handle_uri(next++); }, kTypes,
        KeyUri::parse("tpm2:"));
    CHECK(nothing_loaded(swtpm.tcti()));
}
