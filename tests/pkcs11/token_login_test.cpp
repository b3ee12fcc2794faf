#include <dlfcn.h>

#include <cstdlib>
#include <fstream>

#include <catch2/catch.hpp>

#include "common/atomic_file.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/keystore/error_code.h"
#include "tests/pkcs11/softhsm_fixture.h"

using hwacme::Errc;
using hwacme::Error;
using hwacme::keystore::KeyType;
using hwacme::keystore::KeyUri;
using hwacme::keystore::testing::error_code_of;
using hwacme::test::SoftHsmToken;

// The spy leaks a little per load (a debugging tool); kept mapped with RTLD_NODELETE, its frames
// carry its name, and this suppression keeps a sanitizer build (HWACME_SANITIZE) to our leaks.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:pkcs11-spy.so\n";
}

namespace {

// OpenSC's pkcs11-spy sits between the backend and SoftHSM and logs every C_* call: the one
// witness of how often C_Login really ran.
constexpr const char* kSpy = "/usr/lib/x86_64-linux-gnu/pkcs11/pkcs11-spy.so";

// The spy logs each call as a line "N: C_Name".
int count_calls(const std::filesystem::path& log, std::string_view function) {
    std::ifstream in(log);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        auto colon = line.find(": ");
        if (colon != std::string::npos && line.substr(colon + 2) == function) ++n;
    }
    return n;
}

std::string uri_with(const SoftHsmToken& token, const std::string& object,
                     const std::string& module, const std::filesystem::path& pin) {
    return "pkcs11:token=" + token.token_label() + ";object=" + object + "?module-path=" + module +
           "&pin-source=file:" + pin.string();
}

}  // namespace

TEST_CASE("wrong PIN fails after exactly one C_Login and the right PIN then works", "[softhsm]") {
    SoftHsmToken token;
    REQUIRE(std::filesystem::exists(kSpy));  // Debian package opensc-pkcs11
    REQUIRE(dlopen(kSpy, RTLD_NOW | RTLD_NODELETE) != nullptr);
    const auto log = token.dir() / "spy.log";
    ::setenv("PKCS11SPY", SoftHsmToken::module_path().c_str(), 1);
    ::setenv("PKCS11SPY_OUTPUT", log.c_str(), 1);
    const auto wrong = token.dir() / "wrong-pin";
    hwacme::write_file_atomic(wrong, "000000-wrong\n", 0600);
    {
        // A key to look for once logged in.
        const KeyUri good = KeyUri::parse(token.uri_for("login-key"));
        hwacme::pkcs11::open_keystore(good, {})->generate(good, KeyType::EcP256);
    }
    {
        const KeyUri uri = KeyUri::parse(uri_with(token, "login-key", kSpy, wrong));
        auto store = hwacme::pkcs11::open_keystore(uri, {});
        try {
            store->open(uri);
            FAIL("a wrong PIN opened the key");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::AuthFailed);
            const std::string message = e.what();
            CHECK(message.find("PKCS#11 login to token '" + token.token_label() +
                               "' failed: CKR_PIN_INCORRECT") != std::string::npos);
            CHECK(message.find("000000-wrong") == std::string::npos);
            CHECK(message.find(token.pin()) == std::string::npos);
        }
    }
    CHECK(count_calls(log, "C_Login") == 1);
    {
        const KeyUri uri = KeyUri::parse(uri_with(token, "login-key", kSpy, token.pin_file()));
        auto store = hwacme::pkcs11::open_keystore(uri, {});
        auto key = store->open(uri);
        auto again = store->open(uri);  // the login is reused: no second C_Login
        CHECK(key->type() == KeyType::EcP256);
    }
    CHECK(count_calls(log, "C_Login") == 2);
    ::unsetenv("PKCS11SPY");
    ::unsetenv("PKCS11SPY_OUTPUT");
}

TEST_CASE("PIN comes from HWACME_PKCS11_PIN when the URI has no pin-source", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse("pkcs11:token=" + token.token_label() +
                                     ";object=env-pin?module-path=" + token.module_path());
    ::setenv("HWACME_PKCS11_PIN", token.pin().c_str(), 1);
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    CHECK(store->generate(uri, KeyType::EcP256)->type() == KeyType::EcP256);
    ::unsetenv("HWACME_PKCS11_PIN");
}

TEST_CASE("token without a PIN source is refused before any login", "[softhsm]") {
    SoftHsmToken token;
    ::unsetenv("HWACME_PKCS11_PIN");
    const KeyUri uri = KeyUri::parse("pkcs11:token=" + token.token_label() +
                                     ";object=x?module-path=" + token.module_path());
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    CHECK(error_code_of([&] { store->open(uri); }) == Errc::InvalidArgument);
}

TEST_CASE("token label that matches no token is NotFound naming the label", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri =
        KeyUri::parse("pkcs11:token=no-such-token;object=x?module-path=" + token.module_path());
    try {
        hwacme::pkcs11::open_keystore(uri, {});
        FAIL("opened a token that does not exist");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK(std::string(e.what()).find("token=no-such-token") != std::string::npos);
    }
}

TEST_CASE("object that is not on the token is NotFound", "[softhsm]") {
    SoftHsmToken token;
    const KeyUri uri = KeyUri::parse(token.uri_for("missing-object"));
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    CHECK(error_code_of([&] { store->open(uri); }) == Errc::NotFound);
    CHECK(error_code_of([&] { store->custody_description()->describe(uri); }) == Errc::NotFound);
}

TEST_CASE("module path that does not exist is an error naming the path", "[softhsm]") {
    const KeyUri uri =
        KeyUri::parse("pkcs11:token=t;object=x?module-path=/nonexistent/libp11mod.so");
    try {
        hwacme::pkcs11::open_keystore(uri, {});
        FAIL("loaded a module that does not exist");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK(std::string(e.what()).find("/nonexistent/libp11mod.so") != std::string::npos);
    }
}

TEST_CASE("token is reached through the p11-kit proxy when the URI names no module", "[softhsm]") {
    // Debian's softhsm2 registers itself with p11-kit (/usr/share/p11-kit/modules/softhsm2.module).
    SoftHsmToken token;
    const KeyUri uri =
        KeyUri::parse("pkcs11:token=" + token.token_label() +
                      ";object=via-proxy?pin-source=file:" + token.pin_file().string());
    auto store = hwacme::pkcs11::open_keystore(uri, {});
    auto key = store->generate(uri, KeyType::EcP256);
    const hwacme::Bytes message{'p', 'r', 'o', 'x', 'y'};
    CHECK(hwacme::keystore::sign_message(*key, message).size() == 64);
    CHECK_FALSE(KeyUri::parse(key->uri()).query("module-path"));
    CHECK(store->open(uri)->type() == KeyType::EcP256);
}
