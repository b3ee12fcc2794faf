#include <sys/stat.h>

#include <array>
#include <catch2/catch.hpp>

#include "common/atomic_file.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/tpm/tpm_test_support.h"
#include "tpm/tpm_keystore.h"
#include "tpm/tpm_public.h"
#include "tpm/tss2_pem.h"

using namespace hwacme;
using namespace hwacme::tpm::testing;
using hwacme::keystore::KeyType;
using hwacme::keystore::testing::openssl_verifies;
using hwacme::keystore::testing::random_bytes;

namespace {

constexpr std::array kTypes{KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048};
constexpr std::uint32_t kSigningAttributes = 0x00040072;

TPM2B_PUBLIC persistent_public(const std::string& tcti, std::uint32_t handle) {
    tpm::EsysContext esys(tcti);
    ESYS_TR tr = ESYS_TR_NONE;
    tpm::check_tss("Esys_TR_FromTPMPublic", Esys_TR_FromTPMPublic(esys.get(), handle, ESYS_TR_NONE,
                                                                  ESYS_TR_NONE, ESYS_TR_NONE, &tr));
    tpm::TrHandle owner(esys.get(), tr, tpm::TrHandle::Release::Keep);
    TPM2B_PUBLIC* raw = nullptr;
    tpm::check_tss("Esys_ReadPublic", Esys_ReadPublic(esys.get(), tr, ESYS_TR_NONE, ESYS_TR_NONE,
                                                      ESYS_TR_NONE, &raw, nullptr, nullptr));
    tpm::EsysPtr<TPM2B_PUBLIC> pub(raw);
    return *pub;
}

void check_signs(const keystore::Key& key, KeyType type) {
    const Bytes message = random_bytes(64);
    const Bytes signature = keystore::sign_message(key, message);
    CHECK(openssl_verifies(key.public_key().get(), type, message, signature));
}

}  // namespace

TEST_CASE("TPM file key of each type is non-duplicable, mode 0600 and signs what OpenSSL verifies",
          "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    auto store = tpm::open_keystore(keystore::KeyUri::parse("tpm2:"), options_for(swtpm));
    for (KeyType type : kTypes) {
        INFO(keystore::to_string(type));
        const std::string path =
            (dir / (std::string(keystore::to_string(type)) + ".tss2.pem")).string();
        Bytes spki;
        {
            auto key = store->generate(file_uri(path), type);
            CHECK(key->type() == type);
            CHECK(key->uri() == "tpm2:path=" + path);
            spki = keystore::public_key_spki(*key);
            check_signs(*key, type);
        }
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);
        tpm::Tss2KeyFile file = tpm::decode_tss2_pem(read_file(path), path);
        CHECK(file.empty_auth);
        CHECK(file.parent == 0x40000001u);  // no SRK at 0x81000001: the owner primary
        TPM2B_PUBLIC pub = tpm::unmarshal_public(file.public_area, path);
        CHECK(pub.publicArea.objectAttributes == kSigningAttributes);
        CHECK(pub.publicArea.nameAlg == TPM2_ALG_SHA256);

        auto opened = store->open(file_uri(path));
        CHECK(keystore::public_key_spki(*opened) == spki);
        check_signs(*opened, type);
    }
    CHECK(nothing_loaded(swtpm.tcti()));  // the keys live on, but nothing is loaded
}

TEST_CASE("TPM persistent key of each type is non-duplicable and signs what OpenSSL verifies",
          "[swtpm]") {
    test::SwtpmFixture swtpm;
    auto store = tpm::open_keystore(keystore::KeyUri::parse("tpm2:"), options_for(swtpm));
    std::uint32_t handle = 0x81000010;
    for (KeyType type : kTypes) {
        INFO(keystore::to_string(type));
        {
            auto key = store->generate(handle_uri(handle), type);
            check_signs(*key, type);
        }
        CHECK(persistent_public(swtpm.tcti(), handle).publicArea.objectAttributes ==
              kSigningAttributes);
        auto opened = store->open(handle_uri(handle));
        CHECK(opened->type() == type);
        check_signs(*opened, type);
        ++handle;
    }
    CHECK(tpm_handles(swtpm.tcti(), TPM2_PERSISTENT_FIRST).size() == kTypes.size());
    CHECK(nothing_loaded(swtpm.tcti()));
}

TEST_CASE("TPM refuses to duplicate a key this backend generated", "[swtpm]") {
    test::SwtpmFixture swtpm;
    const std::uint32_t handle = 0x81000010;
    tpm::open_keystore(keystore::KeyUri::parse("tpm2:"), options_for(swtpm))
        ->generate(handle_uri(handle), KeyType::EcP256);

    tpm::EsysContext esys(swtpm.tcti());
    ESYS_TR key = ESYS_TR_NONE;
    tpm::check_tss(
        "Esys_TR_FromTPMPublic",
        Esys_TR_FromTPMPublic(esys.get(), handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &key));
    tpm::TrHandle key_owner(esys.get(), key, tpm::TrHandle::Release::Keep);
    // TPM2_Duplicate needs the DUP role, a policy session (Part 3 §13.1): grant it as far as a
    // policy can, then let the TPM judge the key itself.
    TPMT_SYM_DEF no_symmetric{};
    no_symmetric.algorithm = TPM2_ALG_NULL;
    ESYS_TR policy = ESYS_TR_NONE;
    tpm::check_tss("Esys_StartAuthSession",
                   Esys_StartAuthSession(esys.get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                         ESYS_TR_NONE, ESYS_TR_NONE, nullptr, TPM2_SE_POLICY,
                                         &no_symmetric, TPM2_ALG_SHA256, &policy));
    tpm::TrHandle policy_owner(esys.get(), policy, tpm::TrHandle::Release::Flush);
    tpm::check_tss("Esys_PolicyCommandCode",
                   Esys_PolicyCommandCode(esys.get(), policy, ESYS_TR_NONE, ESYS_TR_NONE,
                                          ESYS_TR_NONE, TPM2_CC_Duplicate));
    TPM2B_DATA no_key{};
    TPMT_SYM_DEF_OBJECT no_wrap{};
    no_wrap.algorithm = TPM2_ALG_NULL;
    TPM2B_DATA* encryption_key_out = nullptr;
    TPM2B_PRIVATE* duplicate = nullptr;
    TPM2B_ENCRYPTED_SECRET* seed = nullptr;
    TSS2_RC rc =
        Esys_Duplicate(esys.get(), key, ESYS_TR_RH_NULL, policy, ESYS_TR_NONE, ESYS_TR_NONE,
                       &no_key, &no_wrap, &encryption_key_out, &duplicate, &seed);
    tpm::EsysPtr<TPM2B_DATA> o1(encryption_key_out);
    tpm::EsysPtr<TPM2B_PRIVATE> o2(duplicate);
    tpm::EsysPtr<TPM2B_ENCRYPTED_SECRET> o3(seed);
    INFO("Esys_Duplicate answered 0x" << std::hex << rc);
    std::uint32_t base = tpm::tpm_rc_base(rc);
    CHECK((base == TPM2_RC_ATTRIBUTES || base == TPM2_RC_POLICY_FAIL));
}

TEST_CASE("TPM file key is made under the persistent SRK when one is provisioned", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    REQUIRE(swtpm
                .tpm2_tool({"tpm2_createprimary", "-C", "o", "-G", "ecc256:aes128cfb", "-c",
                            (dir / "srk.ctx").string()})
                .exit_code == 0);
    REQUIRE(swtpm
                .tpm2_tool({"tpm2_evictcontrol", "-C", "o", "-c", (dir / "srk.ctx").string(),
                            "0x81000001"})
                .exit_code == 0);
    swtpm.tpm2_tool({"tpm2_flushcontext", "-t"});

    const std::string path = (dir / "under-srk.tss2.pem").string();
    auto store = tpm::open_keystore(keystore::KeyUri::parse("tpm2:"), options_for(swtpm));
    store->generate(file_uri(path), KeyType::EcP256);
    CHECK(tpm::decode_tss2_pem(read_file(path), path).parent == 0x81000001u);
    check_signs(*store->open(file_uri(path)), KeyType::EcP256);
    CHECK(nothing_loaded(swtpm.tcti()));
}
