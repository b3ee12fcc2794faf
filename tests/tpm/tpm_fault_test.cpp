#include <catch2/catch.hpp>
#include <fstream>

#include "tests/keystore/error_code.h"
#include "tests/keystore/keystore_conformance.h"
#include "tests/tpm/tpm_test_support.h"
#include "tpm/tpm_keystore.h"

using namespace hwacme;
using namespace hwacme::tpm::testing;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;
using hwacme::keystore::testing::openssl_verifies;
using hwacme::keystore::testing::random_bytes;

namespace {

std::string message_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("TPM handle that holds no key gives NotFound", "[swtpm]") {
    test::SwtpmFixture swtpm;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    CHECK(error_code_of([&] { store->open(handle_uri(0x81000002)); }) == Errc::NotFound);
    CHECK(error_code_of([&] { store->custody_description()->describe(handle_uri(0x81000002)); }) ==
          Errc::NotFound);
    CHECK(error_code_of([&] { store->removal()->remove(handle_uri(0x81000002)); }) ==
          Errc::NotFound);
    CHECK(error_code_of([&] { store->open(file_uri("/nonexistent/k.tss2.pem")); }) ==
          Errc::NotFound);
    CHECK(nothing_loaded(swtpm.tcti()));
}

TEST_CASE("TSS2 key file made by another TPM is refused with a clear error", "[swtpm]") {
    test::SwtpmFixture ours, theirs;
    TempDir dir;
    const std::string path = (dir / "foreign.tss2.pem").string();
    tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(theirs))
        ->generate(file_uri(path), KeyType::EcP256);

    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(ours));
    std::string message;
    CHECK(error_code_of([&] { message = message_of([&] { store->open(file_uri(path)); }); }) ==
          std::nullopt);
    CHECK(error_code_of([&] { store->open(file_uri(path)); }) == Errc::InvalidArgument);
    CHECK(message.find(path) != std::string::npos);
    CHECK(message.find("another TPM") != std::string::npos);
    CHECK(nothing_loaded(ours.tcti()));
}

TEST_CASE("TPM key with an auth value signs with it and fails with AuthFailed on a wrong one",
          "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    std::ofstream(dir / "right") << "correct-horse-battery\n";
    std::ofstream(dir / "wrong") << "wrong-secret-value\n";
    const std::string path = (dir / "locked.tss2.pem").string();
    const std::string right = "?auth-source=file:" + (dir / "right").string();
    const std::string wrong = "?auth-source=file:" + (dir / "wrong").string();
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    {
        auto key = store->generate(file_uri(path, right), KeyType::EcP256);
        CHECK(key->uri() == "tpm2:path=" + path + right);
        const Bytes message = random_bytes(40);
        CHECK(openssl_verifies(key->public_key().get(), KeyType::EcP256, message,
                               keystore::sign_message(*key, message)));
    }
    {
        auto key = store->open(file_uri(path, right));
        const Bytes message = random_bytes(40);
        CHECK(openssl_verifies(key->public_key().get(), KeyType::EcP256, message,
                               keystore::sign_message(*key, message)));
    }
    {
        // One wrong try: the key is subject to dictionary-attack protection (not noDA).
        auto key = store->open(file_uri(path, wrong));
        const Bytes message = random_bytes(40);
        std::string text;
        CHECK(error_code_of([&] {
                  try {
                      keystore::sign_message(*key, message);
                  } catch (const Error& e) {
                      text = e.what();
                      throw;
                  }
              }) == Errc::AuthFailed);
        CHECK(text.find("Esys_Sign") != std::string::npos);
        CHECK(text.find("wrong-secret") == std::string::npos);
    }
    CHECK(nothing_loaded(swtpm.tcti()));
}

TEST_CASE("TPM that goes away mid-use fails with DeviceFailure naming the call", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    const std::string path = (dir / "k.tss2.pem").string();
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    auto key = store->generate(file_uri(path), KeyType::EcP256);
    swtpm.kill();
    std::string text;
    CHECK(error_code_of([&] {
              text = message_of([&] { keystore::sign_message(*key, random_bytes(8)); });
          }) == std::nullopt);
    CHECK(text.find("Esys_Sign") != std::string::npos);
    CHECK(error_code_of([&] { keystore::sign_message(*key, random_bytes(8)); }) ==
          Errc::DeviceFailure);
    key.reset();
    store.reset();

    // The key file outlives the TPM process: the seeds are in its state.
    swtpm.restart();
    auto again =
        tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm))->open(file_uri(path));
    const Bytes message = random_bytes(8);
    CHECK(openssl_verifies(again->public_key().get(), KeyType::EcP256, message,
                           keystore::sign_message(*again, message)));
}

TEST_CASE("TPM keys keep signing when more are open than the TPM has object slots", "[swtpm]") {
    test::SwtpmFixture swtpm;  // swtpm holds three transient objects
    TempDir dir;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    std::vector<std::unique_ptr<keystore::Key>> keys;
    for (int i = 0; i < 5; ++i)
        keys.push_back(store->generate(file_uri((dir / (std::to_string(i) + ".tss2.pem")).string()),
                                       KeyType::EcP256));
    keys.push_back(store->generate(handle_uri(0x81000002), KeyType::EcP256));
    for (int round = 0; round < 2; ++round)
        for (auto& key : keys) {
            const Bytes message = random_bytes(16);
            CHECK(openssl_verifies(key->public_key().get(), KeyType::EcP256, message,
                                   keystore::sign_message(*key, message)));
        }
    keys.clear();
    CHECK(nothing_loaded(swtpm.tcti()));
}

TEST_CASE("two keys open on one persistent handle stay usable when either closes", "[swtpm]") {
    test::SwtpmFixture swtpm;
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    store->generate(handle_uri(0x81000002), KeyType::EcP256);
    auto first = store->open(handle_uri(0x81000002));
    auto second = store->open(handle_uri(0x81000002));
    first.reset();
    const Bytes message = random_bytes(16);
    CHECK(openssl_verifies(second->public_key().get(), KeyType::EcP256, message,
                           keystore::sign_message(*second, message)));
}

TEST_CASE("TPM persistent key with an auth value signs through an HMAC session", "[swtpm]") {
    test::SwtpmFixture swtpm;
    TempDir dir;
    std::ofstream(dir / "auth") << "persistent-secret";
    const std::string query = "?auth-source=file:" + (dir / "auth").string();
    auto store = tpm::open_keystore(KeyUri::parse("tpm2:"), options_for(swtpm));
    store->generate(handle_uri(0x81000002, query), KeyType::Rsa2048);
    {
        auto key = store->open(handle_uri(0x81000002, query));
        const Bytes message = random_bytes(40);
        CHECK(openssl_verifies(key->public_key().get(), KeyType::Rsa2048, message,
                               keystore::sign_message(*key, message)));
        CHECK(error_code_of([&] {
                  store->open(handle_uri(0x81000002, "?auth-source=file:/no/such"));
              }) == Errc::InvalidArgument);
    }
    CHECK(nothing_loaded(swtpm.tcti()));
}
