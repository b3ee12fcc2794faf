#include <catch2/catch.hpp>

#include "tests/keystore/error_code.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/tpm/tpm_test_support.h"
#include "tpm/tpm_keystore.h"

using namespace hwacme;
using namespace hwacme::tpm::testing;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;

namespace {

// A P-256 signing key made by tpm2-tools without fixedTPM and fixedParent — one that
// TPM2_Duplicate could carry to another TPM — made persistent at `handle`.
void make_duplicable_key(const test::SwtpmFixture& swtpm, const TempDir& dir,
                         const std::string& handle) {
    auto run = [&](std::vector<std::string> argv) {
        test::CommandResult r = swtpm.tpm2_tool(std::move(argv));
        INFO(r.stderr_text);
        REQUIRE(r.exit_code == 0);
    };
    run({"tpm2_createprimary", "-C", "o", "-c", (dir / "primary.ctx").string()});
    run({"tpm2_create", "-C", (dir / "primary.ctx").string(), "-G", "ecc256", "-a",
         "sensitivedataorigin|userwithauth|sign", "-u", (dir / "k.pub").string(), "-r",
         (dir / "k.priv").string()});
    run({"tpm2_flushcontext", "-t"});
    run({"tpm2_load", "-C", (dir / "primary.ctx").string(), "-u", (dir / "k.pub").string(), "-r",
         (dir / "k.priv").string(), "-c", (dir / "k.ctx").string()});
    run({"tpm2_evictcontrol", "-C", "o", "-c", (dir / "k.ctx").string(), handle});
    run({"tpm2_flushcontext", "-t"});
}

}  // namespace

TEST_CASE("TPM key that could leave the TPM is refused as Custody unless extractable is allowed",
          "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    make_duplicable_key(swtpm, dir, "0x81000020");
    REQUIRE(nothing_loaded(swtpm.tcti()));

    auto strict = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    try {
        strict->open(handle_uri(0x81000020));
        FAIL("a duplicable key was accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Custody);
        CHECK(std::string(e.what()).find("fixedTPM") != std::string::npos);
    }
    auto facts = strict->custody_description()->describe(handle_uri(0x81000020));
    CHECK(std::count(facts.begin(), facts.end(),
                     std::pair<std::string, std::string>{"fixedTPM", "no"}) == 1);

    auto lenient = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm, true));
    auto key = lenient->open(handle_uri(0x81000020));
    const Bytes message = keystore::testing::random_bytes(32);
    CHECK(keystore::testing::openssl_verifies(key->public_key().get(), KeyType::EcP256, message,
                                              keystore::sign_message(*key, message)));
    key.reset();
    CHECK(nothing_loaded(swtpm.tcti()));
}
