#include <openssl/pem.h>

#include <catch2/catch.hpp>

#include "tests/keystore/keystore_conformance.h"
#include "tests/tpm/tpm_test_support.h"
#include "tpm/tpm_keystore.h"

using namespace hwacme;
using namespace hwacme::tpm::testing;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;

namespace {

std::string public_pem(const keystore::Key& key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    REQUIRE(PEM_write_bio_PUBKEY(bio.get(), key.public_key().get()) == 1);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

// openssl with the tpm2-openssl provider, pointed at the fixture's TPM (1.1.1 reads the TCTI
// from the environment only).
test::CommandResult openssl_tpm2(const test::SwtpmFixture& swtpm, std::vector<std::string> args) {
    test::require_tool("openssl", "openssl");
    REQUIRE(std::filesystem::exists("/usr/lib/x86_64-linux-gnu/ossl-modules/tpm2.so"));
    args.insert(args.begin(), "openssl");
    return test::run_command(args, {"TPM2OPENSSL_TCTI=" + swtpm.tcti()});
}

}  // namespace

TEST_CASE("TPM key file generated here is read by the tpm2-openssl provider", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    for (KeyType type : {KeyType::EcP256, KeyType::Rsa2048}) {
        INFO(keystore::to_string(type));
        const std::string path =
            (dir / (std::string(keystore::to_string(type)) + ".tss2.pem")).string();
        std::string ours;
        {
            auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
            ours = public_pem(*store->generate(file_uri(path), type));
        }  // our connection is closed before openssl opens its own
        test::CommandResult r = openssl_tpm2(
            swtpm, {"pkey", "-provider", "tpm2", "-provider", "default", "-in", path, "-pubout"});
        INFO(r.stderr_text);
        CHECK(r.exit_code == 0);
        CHECK(r.stdout_text == ours);
    }
}

TEST_CASE("TSS2 key made by the tpm2-openssl provider opens and signs here", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    const std::string path = (dir / "provider.tss2.pem").string();
    test::CommandResult r =
        openssl_tpm2(swtpm, {"genpkey", "-provider", "tpm2", "-provider", "default", "-algorithm",
                             "EC", "-pkeyopt", "group:P-256", "-out", path});
    INFO(r.stderr_text);
    REQUIRE(r.exit_code == 0);
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    auto key = store->open(file_uri(path));
    CHECK(key->type() == KeyType::EcP256);
    const Bytes message = keystore::testing::random_bytes(50);
    CHECK(keystore::testing::openssl_verifies(key->public_key().get(), KeyType::EcP256, message,
                                              keystore::sign_message(*key, message)));
}
