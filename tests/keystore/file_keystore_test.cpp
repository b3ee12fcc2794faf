#include "keystore/file_keystore.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "common/error.h"
#include "keystore/ecdsa_signature.h"
#include "keystore/registry.h"
#include "tests/keystore/error_code.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/support/slurp.h"
#include "tests/support/temp_dir.h"

using namespace hwacme;
using namespace hwacme::keystore;
using hwacme::keystore::testing::error_code_of;
using hwacme::test::slurp;
using hwacme::test::TempDir;
namespace fs = std::filesystem;

namespace {

constexpr std::array kAllTypes{KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048, KeyType::Rsa3072,
                               KeyType::Rsa4096};

void spit(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::unique_ptr<Keystore> file_store() {
    return open_file_keystore(KeyUri::parse("file:/"), {});
}

EvpPkeyPtr keygen(const char* kind, const char* curve_or_null, std::size_t rsa_bits = 0) {
    EvpPkeyPtr key(curve_or_null ? EVP_PKEY_Q_keygen(nullptr, nullptr, kind, curve_or_null)
                   : rsa_bits    ? EVP_PKEY_Q_keygen(nullptr, nullptr, kind, rsa_bits)
                                 : EVP_PKEY_Q_keygen(nullptr, nullptr, kind));
    REQUIRE(key);
    return key;
}

EvpPkeyPtr rsa_pss_keygen() {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA-PSS", nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_keygen_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), 2048) == 1);
    EVP_PKEY* key = nullptr;
    REQUIRE(EVP_PKEY_generate(ctx.get(), &key) == 1);
    return EvpPkeyPtr(key);
}

enum class PemForm { Pkcs8, Traditional, EncryptedPkcs8 };

void write_pem(const fs::path& path, EVP_PKEY* key, PemForm form) {
    BioPtr bio(BIO_new_file(path.c_str(), "w"));
    REQUIRE(bio);
    static char passphrase[] = "correct horse";
    int ok = form == PemForm::Pkcs8
                 ? PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)
             : form == PemForm::Traditional
                 ? PEM_write_bio_PrivateKey_traditional(bio.get(), key, nullptr, nullptr, 0,
                                                        nullptr, nullptr)
                 : PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase,
                                                 sizeof passphrase - 1, nullptr, nullptr);
    REQUIRE(ok == 1);
}

// Verifies at the digest level, the way a CA checks a JWS: EC r||s → DER, RSA PKCS#1 v1.5 with
// the DigestInfo for `hash`.
bool verify_digest(EVP_PKEY* public_key, KeyType type, HashAlg hash, ByteView digest,
                   ByteView signature) {
    Bytes encoded =
        is_ec(type) ? ecdsa_raw_to_der(signature) : Bytes(signature.begin(), signature.end());
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, public_key, nullptr));
    REQUIRE(ctx);
    REQUIRE(EVP_PKEY_verify_init(ctx.get()) == 1);
    REQUIRE(EVP_PKEY_CTX_set_signature_md(
                ctx.get(), hash == HashAlg::Sha384 ? EVP_sha384() : EVP_sha256()) == 1);
    if (!is_ec(type)) REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) == 1);
    return EVP_PKEY_verify(ctx.get(), encoded.data(), encoded.size(), digest.data(),
                           digest.size()) == 1;
}

bool has_private_part(EVP_PKEY* key) {
    BIGNUM* secret = nullptr;
    const char* name =
        EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? OSSL_PKEY_PARAM_PRIV_KEY : OSSL_PKEY_PARAM_RSA_D;
    bool found = EVP_PKEY_get_bn_param(key, name, &secret) == 1;
    BN_clear_free(secret);
    return found;
}

std::string fact(const std::vector<std::pair<std::string, std::string>>& facts,
                 const std::string& name) {
    for (auto& [n, value] : facts)
        if (n == name) return value;
    return {};
}

}  // namespace

TEST_CASE("file keystore passes the keystore conformance check for every key type", "[unit]") {
    TempDir folder("hwacme-keystore-conformance");
    auto store = file_store();
    testing::check_keystore_conformance(
        *store,
        [&](std::string_view name) {
            return KeyUri::file((folder / (std::string(name) + ".pem")).string());
        },
        kAllTypes, KeyUri::file(folder.path().string()));
}

TEST_CASE("a generated key is a 0600 PKCS#8 file that reopens and signs verifiable digests",
          "[unit]") {
    TempDir folder("hwacme-keystore-generate");
    auto store = file_store();
    const KeyType type = GENERATE(from_range(kAllTypes));
    INFO(to_string(type));
    const fs::path path = folder / (std::string(to_string(type)) + ".pem");
    const KeyUri uri = KeyUri::file(path.string());

    auto key = store->generate(uri, type);
    CHECK(key->type() == type);
    CHECK(key->uri() == "file:" + path.string());
    CHECK(mode_of(path) == 0600);
    const std::string pem = slurp(path);
    CHECK(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));

    auto opened = store->open(uri);
    CHECK(opened->type() == type);
    CHECK(public_key_spki(*opened) == public_key_spki(*key));
    CHECK_FALSE(has_private_part(opened->public_key().get()));

    for (HashAlg hash : {HashAlg::Sha256, HashAlg::Sha384}) {
        const Bytes digest = keystore::digest(hash, as_bytes("a JWS signing input"));
        const Bytes signature = opened->sign_digest(hash, digest);
        if (is_ec(type)) CHECK(signature.size() == 2 * ec_field_size(type));
        CHECK(verify_digest(key->public_key().get(), type, hash, digest, signature));
        Bytes other = digest;
        other[0] ^= 0x80;
        CHECK_FALSE(verify_digest(key->public_key().get(), type, hash, other, signature));
    }

    CHECK(error_code_of([&] { store->generate(uri, type); }) == Errc::AlreadyExists);
    CHECK(error_code_of([&] { store->generate(uri, KeyType::EcP256); }) == Errc::AlreadyExists);
    CHECK(slurp(path) == pem);

    store->removal()->remove(uri);
    CHECK_FALSE(fs::exists(path));
    CHECK(error_code_of([&] { store->open(uri); }) == Errc::NotFound);
}

TEST_CASE("a generated key file is 0600 even under a permissive umask", "[unit]") {
    TempDir folder("hwacme-keystore-umask");
    const mode_t saved = ::umask(0);
    file_store()->generate(KeyUri::file((folder / "k.pem").string()), KeyType::EcP256);
    ::umask(saved);
    CHECK(mode_of(folder / "k.pem") == 0600);
}

TEST_CASE("generating into a missing folder is NotFound naming the folder, leaving nothing",
          "[unit]") {
    TempDir folder("hwacme-keystore-missing");
    const fs::path path = folder / "no-such-dir" / "k.pem";
    try {
        file_store()->generate(KeyUri::file(path.string()), KeyType::EcP256);
        FAIL("generated without error");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK_THAT(e.what(), Catch::Contains((folder / "no-such-dir").string()));
    }
    CHECK_FALSE(fs::exists(path));
}

TEST_CASE("generating over a symlink is refused and the link target is untouched", "[unit]") {
    TempDir folder("hwacme-keystore-symlink");
    spit(folder / "target.txt", "precious");
    fs::create_symlink(folder / "target.txt", folder / "k.pem");
    fs::create_symlink(folder / "dangling", folder / "d.pem");
    auto store = file_store();
    CHECK(error_code_of([&] {
              store->generate(KeyUri::file((folder / "k.pem").string()), KeyType::EcP256);
          }) == Errc::AlreadyExists);
    CHECK(error_code_of([&] {
              store->generate(KeyUri::file((folder / "d.pem").string()), KeyType::EcP256);
          }) == Errc::AlreadyExists);
    CHECK(slurp(folder / "target.txt") == "precious");
    CHECK_FALSE(fs::exists(folder / "dangling"));
}

TEST_CASE("opening a missing key file is NotFound naming the path", "[unit]") {
    try {
        file_store()->open(KeyUri::parse("file:/nonexistent-hwacme-dir/key.pem"));
        FAIL("opened without error");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK_THAT(e.what(), Catch::Contains("/nonexistent-hwacme-dir/key.pem"));
    }
}

TEST_CASE("a file that is not a private key PEM is InvalidArgument", "[unit]") {
    TempDir folder("hwacme-keystore-not-a-key");
    auto store = file_store();
    spit(folder / "text.pem", "hello\n");
    spit(folder / "empty.pem", "");
    EvpPkeyPtr key = keygen("EC", "P-256");
    BioPtr bio(BIO_new_file((folder / "public.pem").c_str(), "w"));
    REQUIRE(PEM_write_bio_PUBKEY(bio.get(), key.get()) == 1);
    bio.reset();
    for (const char* name : {"text.pem", "empty.pem", "public.pem"}) {
        INFO(name);
        try {
            store->open(KeyUri::file((folder / name).string()));
            FAIL("opened without error");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::InvalidArgument);
            CHECK_THAT(e.what(),
                       Catch::Contains((folder / name).string() + " is not a private key PEM"));
        }
    }
    CHECK(error_code_of([&] { store->open(KeyUri::file(folder.path().string())); }) ==
          Errc::InvalidArgument);
}

TEST_CASE("traditional EC and RSA PEM keys open with their type and sign", "[unit]") {
    TempDir folder("hwacme-keystore-traditional");
    auto store = file_store();
    struct Case {
        const char* name;
        EvpPkeyPtr key;
        KeyType type;
    };
    Case cases[] = {{"ec.pem", keygen("EC", "P-384"), KeyType::EcP384},
                    {"rsa.pem", keygen("RSA", nullptr, 2048), KeyType::Rsa2048}};
    for (Case& c : cases) {
        INFO(c.name);
        write_pem(folder / c.name, c.key.get(), PemForm::Traditional);
        CHECK_FALSE(slurp(folder / c.name).starts_with("-----BEGIN PRIVATE KEY-----"));
        auto key = store->open(KeyUri::file((folder / c.name).string()));
        CHECK(key->type() == c.type);
        const Bytes message = testing::random_bytes(64);
        CHECK(testing::openssl_verifies(c.key.get(), c.type, message, sign_message(*key, message)));
    }
}

TEST_CASE("keys of other kinds and sizes are Unsupported", "[unit]") {
    TempDir folder("hwacme-keystore-unsupported");
    auto store = file_store();
    write_pem(folder / "ed25519.pem", keygen("ED25519", nullptr).get(), PemForm::Pkcs8);
    write_pem(folder / "p521.pem", keygen("EC", "P-521").get(), PemForm::Pkcs8);
    write_pem(folder / "rsa1024.pem", keygen("RSA", nullptr, 1024).get(), PemForm::Pkcs8);
    write_pem(folder / "rsa-pss.pem", rsa_pss_keygen().get(), PemForm::Pkcs8);
    for (const char* name : {"ed25519.pem", "p521.pem", "rsa1024.pem", "rsa-pss.pem"}) {
        INFO(name);
        CHECK(error_code_of([&] { store->open(KeyUri::file((folder / name).string())); }) ==
              Errc::Unsupported);
    }
}

TEST_CASE("an encrypted PKCS#8 key is Unsupported without prompting for a passphrase", "[unit]") {
    TempDir folder("hwacme-keystore-encrypted");
    write_pem(folder / "enc.pem", keygen("EC", "P-256").get(), PemForm::EncryptedPkcs8);
    try {
        file_store()->open(KeyUri::file((folder / "enc.pem").string()));
        FAIL("opened without error");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Unsupported);
        CHECK_THAT(e.what(), Catch::Contains("encrypted"));
    }
}

TEST_CASE("a group-readable key file is used and describe() reports its mode", "[unit]") {
    TempDir folder("hwacme-keystore-describe");
    auto store = file_store();
    const KeyUri uri = KeyUri::file((folder / "k.pem").string());
    store->generate(uri, KeyType::EcP384);

    auto facts = store->custody_description()->describe(uri);
    CHECK(fact(facts, "backend") == "file (software key, extractable by design)");
    CHECK(fact(facts, "path") == (folder / "k.pem").string());
    CHECK(fact(facts, "type") == "ec-p384");
    CHECK(fact(facts, "mode") == "0600");
    CHECK(fact(facts, "owner uid") == std::to_string(::getuid()));
    CHECK(fact(facts, "warning").empty());

    fs::permissions(folder / "k.pem", fs::perms(0644));
    CHECK(store->open(uri)->type() == KeyType::EcP384);
    facts = store->custody_description()->describe(uri);
    CHECK(fact(facts, "mode") == "0644");
    CHECK_THAT(fact(facts, "warning"), Catch::Contains("chmod 600"));
}

TEST_CASE("listing a folder shows its private keys and skips other files", "[unit]") {
    TempDir folder("hwacme-keystore-list");
    auto store = file_store();
    store->generate(KeyUri::file((folder / "b-account.pem").string()), KeyType::EcP256);
    store->generate(KeyUri::file((folder / "a-web.pem").string()), KeyType::Rsa2048);
    write_pem(folder / "c-ed25519.pem", keygen("ED25519", nullptr).get(), PemForm::Pkcs8);
    write_pem(folder / "d-key.txt", keygen("EC", "P-256").get(), PemForm::Pkcs8);
    spit(folder / "e-cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    fs::create_directory(folder / "f-dir.pem");

    auto keys = store->listing()->list(KeyUri::file(folder.path().string()));
    REQUIRE(keys.size() == 3);
    CHECK(keys[0].uri == "file:" + (folder / "a-web.pem").string());
    CHECK(keys[0].type == KeyType::Rsa2048);
    CHECK(keys[0].description == "mode 0600");
    CHECK(keys[1].uri == "file:" + (folder / "b-account.pem").string());
    CHECK(keys[1].type == KeyType::EcP256);
    CHECK(keys[2].uri == "file:" + (folder / "c-ed25519.pem").string());
    CHECK(keys[2].type == std::nullopt);
    CHECK_THAT(keys[2].description, Catch::EndsWith(", unsupported ED25519 256-bit key"));

    auto one = store->listing()->list(KeyUri::file((folder / "b-account.pem").string()));
    REQUIRE(one.size() == 1);
    CHECK(one[0].type == KeyType::EcP256);

    CHECK(error_code_of([&] {
              store->listing()->list(KeyUri::file((folder / "nope").string()));
          }) == Errc::NotFound);
}

TEST_CASE("a digest of the wrong length is refused before signing", "[unit]") {
    TempDir folder("hwacme-keystore-digest-length");
    auto store = file_store();
    for (KeyType type : {KeyType::EcP256, KeyType::Rsa2048}) {
        auto key =
            store->generate(KeyUri::file((folder / std::string(to_string(type))).string()), type);
        CHECK(error_code_of([&] { key->sign_digest(HashAlg::Sha256, Bytes(31)); }) ==
              Errc::InvalidArgument);
        CHECK(error_code_of([&] { key->sign_digest(HashAlg::Sha256, Bytes(48)); }) ==
              Errc::InvalidArgument);
        CHECK(error_code_of([&] { key->sign_digest(HashAlg::Sha384, Bytes(32)); }) ==
              Errc::InvalidArgument);
        CHECK(error_code_of([&] { key->sign_digest(HashAlg::Sha256, Bytes{}); }) ==
              Errc::InvalidArgument);
    }
}

TEST_CASE("remove refuses a file that is not a private key and keeps it", "[unit]") {
    TempDir folder("hwacme-keystore-remove");
    auto store = file_store();
    spit(folder / "config.pem", "not a key\n");
    CHECK(error_code_of([&] {
              store->removal()->remove(KeyUri::file((folder / "config.pem").string()));
          }) == Errc::InvalidArgument);
    CHECK(fs::exists(folder / "config.pem"));
    CHECK(error_code_of([&] {
              store->removal()->remove(KeyUri::file((folder / "gone.pem").string()));
          }) == Errc::NotFound);
}

TEST_CASE("the file keystore refuses URIs of other schemes", "[unit]") {
    const KeyUri token = KeyUri::parse("pkcs11:token=acme;object=web");
    CHECK(error_code_of([&] { open_file_keystore(token, {}); }) == Errc::InvalidUri);
    auto store = file_store();
    CHECK(error_code_of([&] { store->open(token); }) == Errc::InvalidUri);
    CHECK(error_code_of([&] { store->generate(token, KeyType::EcP256); }) == Errc::InvalidUri);
}

TEST_CASE("a key's URI keeps a relative path and encodes odd characters", "[unit]") {
    TempDir folder("hwacme-keystore-uri");
    const fs::path saved = fs::current_path();
    fs::current_path(folder.path());
    auto store = file_store();
    auto relative = store->generate(KeyUri::parse("file:web%20key.pem"), KeyType::EcP256);
    fs::current_path(saved);
    CHECK(relative->uri() == "file:web%20key.pem");
    CHECK(fs::exists(folder / "web key.pem"));
    CHECK(KeyUri::parse(relative->uri()).path() == "web key.pem");
}

TEST_CASE("open_or_generate_key through a Registry generates once, then opens", "[unit]") {
    TempDir folder("hwacme-keystore-registry");
    Registry registry;
    registry.add("file", open_file_keystore);
    const KeyUri uri = KeyUri::file((folder / "account.pem").string());

    OpenedKey first = open_or_generate_key(registry, uri, KeyType::EcP256, {});
    CHECK(first.generated);
    CHECK(first->type() == KeyType::EcP256);

    // An existing key of another type is used as it is.
    OpenedKey second = open_or_generate_key(registry, uri, KeyType::Rsa2048, {});
    CHECK_FALSE(second.generated);
    CHECK(second->type() == KeyType::EcP256);
    CHECK(public_key_spki(*second) == public_key_spki(*first));

    OpenedKey plain = open_key(registry, uri, {});
    CHECK(public_key_spki(*plain) == public_key_spki(*first));
    CHECK(error_code_of([&] {
              open_key(registry, KeyUri::file((folder / "none.pem").string()), {});
          }) == Errc::NotFound);
    CHECK(error_code_of([&] { open_key(registry, KeyUri::parse("tpm2:handle=0x81000002"), {}); }) ==
          Errc::InvalidUri);
}
