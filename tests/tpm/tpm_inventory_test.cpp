#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "tests/keystore/error_code.h"
#include "tests/tpm/tpm_test_support.h"
#include "tpm/tpm_keystore.h"

using namespace hwacme;
using namespace hwacme::tpm::testing;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;

TEST_CASE("TPM keystore lists key files of a folder and persistent signing keys", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    store->generate(file_uri((dir / "a.tss2.pem").string()), KeyType::EcP256);
    store->generate(file_uri((dir / "b.tss2.pem").string()), KeyType::EcP384);
    std::ofstream(dir / "notes.txt") << "not a key";
    store->generate(handle_uri(0x81000002), KeyType::EcP256);

    auto files = store->listing()->list(KeyUri::parse("tpm2:path=" + dir.path().string()));
    REQUIRE(files.size() == 2);
    CHECK(files[0].uri == "tpm2:path=" + (dir / "a.tss2.pem").string());
    CHECK(files[0].type == KeyType::EcP256);
    CHECK(files[1].type == KeyType::EcP384);

    // The storage primary is not made persistent by us; a restricted SRK there is not listed.
    REQUIRE(
        swtpm.tpm2_tool({"tpm2_createprimary", "-C", "o", "-c", (dir.path() / "p.ctx").string()})
            .exit_code == 0);
    REQUIRE(swtpm
                .tpm2_tool({"tpm2_evictcontrol", "-C", "o", "-c", (dir.path() / "p.ctx").string(),
                            "0x81000001"})
                .exit_code == 0);
    swtpm.tpm2_tool({"tpm2_flushcontext", "-t"});
    auto handles = store->listing()->list(KeyUri::parse("tpm2:"));
    REQUIRE(handles.size() == 1);
    CHECK(handles[0].uri == "tpm2:handle=0x81000002");
    CHECK(handles[0].type == KeyType::EcP256);
    CHECK(nothing_loaded(swtpm.tcti()));
}

TEST_CASE("TPM keystore describes a key's custody as facts", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    store->generate(file_uri((dir / "web.tss2.pem").string()), KeyType::EcP256);
    store->generate(handle_uri(0x81000002), KeyType::Rsa2048);

    for (const KeyUri& uri : {file_uri((dir / "web.tss2.pem").string()), handle_uri(0x81000002)}) {
        INFO(uri.str());
        auto list = store->custody_description()->describe(uri);
        std::map<std::string, std::string> facts(list.begin(), list.end());
        CHECK(facts["fixedTPM"] == "yes");
        CHECK(facts["fixedParent"] == "yes");
        CHECK(facts["sensitiveDataOrigin"] == "yes");
        CHECK(facts["noDA"] == "no");
        CHECK(facts["object attributes"] == "0x00040072");
        CHECK(facts["TPM manufacturer"] == "IBM");  // libtpms
        CHECK(facts.count("storage") == 1);
        CHECK(facts.count("parent") == 1);
    }
    auto file_facts =
        store->custody_description()->describe(file_uri((dir / "web.tss2.pem").string()));
    CHECK(std::count(file_facts.begin(), file_facts.end(),
                     std::pair<std::string, std::string>{"loads in this TPM", "yes"}) == 1);
    CHECK(std::count(file_facts.begin(), file_facts.end(),
                     std::pair<std::string, std::string>{"key type", "ec-p256"}) == 1);
    CHECK(nothing_loaded(swtpm.tcti()));
}

TEST_CASE("TPM keystore removes a key file and evicts a persistent key", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    const std::string path = (dir / "k.tss2.pem").string();
    store->generate(file_uri(path), KeyType::EcP256);
    store->generate(handle_uri(0x81000003), KeyType::EcP256);

    store->removal()->remove(file_uri(path));
    CHECK_FALSE(std::filesystem::exists(path));
    store->removal()->remove(handle_uri(0x81000003));
    CHECK(tpm_handles(swtpm.tcti(), TPM2_PERSISTENT_FIRST).empty());
    CHECK(error_code_of([&] { store->removal()->remove(handle_uri(0x81000003)); }) ==
          Errc::NotFound);
    CHECK(error_code_of([&] { store->removal()->remove(file_uri(path)); }) == Errc::NotFound);

    std::ofstream(dir / "other.pem") << "-----BEGIN PRIVATE KEY-----\n";
    CHECK(error_code_of([&] {
              store->removal()->remove(file_uri((dir / "other.pem").string()));
          }) == Errc::InvalidArgument);
    CHECK(std::filesystem::exists((dir / "other.pem").string()));
}

TEST_CASE("TPM keystore refuses to generate over an occupied handle or the SRK's", "[swtpm]") {
    test::SwtpmFixture swtpm;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    store->generate(handle_uri(0x81000002), KeyType::EcP256);
    CHECK(error_code_of([&] { store->generate(handle_uri(0x81000002), KeyType::EcP384); }) ==
          Errc::AlreadyExists);
    CHECK(error_code_of([&] { store->generate(handle_uri(0x81000001), KeyType::EcP256); }) ==
          Errc::InvalidArgument);
    CHECK(error_code_of([&] { store->generate(handle_uri(0x81000004), KeyType::Rsa4096); }) ==
          Errc::Unsupported);
    CHECK(nothing_loaded(swtpm.tcti()));
}
