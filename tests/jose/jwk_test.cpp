#include <openssl/core_names.h>
#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>

#include "agent/jose/jwk.h"
#include "common/base64url.h"
#include "common/error.h"
#include "memory_key.h"
#include "rfc_vectors.h"

using namespace hwacme;
using keystore::KeyType;

namespace {

std::string text(const boost::json::value& value) {
    return std::string(value.as_string());
}

Bytes coordinate(const EVP_PKEY* key, const char* name, std::size_t width) {
    BIGNUM* raw = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(key, name, &raw) == 1);
    BignumPtr value(raw);
    Bytes bytes(width);
    REQUIRE(BN_bn2binpad(value.get(), bytes.data(), static_cast<int>(width)) > 0);
    return bytes;
}

}  // namespace

TEST_CASE("RFC 7638 example RSA key gives the RFC's canonical JWK and thumbprint", "[unit]") {
    const EvpPkeyPtr key = test::rsa_public_key_from_jwk(test::rfc::kRfc7638N, "AQAB");
    CHECK(jose::jwk_json(key.get()) ==
          R"({"e":"AQAB","kty":"RSA","n":")" + std::string(test::rfc::kRfc7638N) + R"("})");
    CHECK(jose::jwk_thumbprint(key.get()) == test::rfc::kRfc7638Thumbprint);
}

TEST_CASE("RFC 7515 A.3 P-256 key gives its canonical EC JWK", "[unit]") {
    const EvpPkeyPtr key =
        test::p256_key_from_jwk(std::string(test::rfc::kA3X), std::string(test::rfc::kA3Y), "");
    CHECK(jose::jwk_json(key.get()) == std::string(R"({"crv":"P-256","kty":"EC","x":")") +
                                           std::string(test::rfc::kA3X) + R"(","y":")" +
                                           std::string(test::rfc::kA3Y) + R"("})");
}

TEST_CASE("EC JWKs name the curve and carry full-width coordinates", "[unit]") {
    const auto [type, curve, encoded_length, field_size] =
        GENERATE(std::tuple{KeyType::EcP256, "P-256", 43u, 32u},
                 std::tuple{KeyType::EcP384, "P-384", 64u, 48u});
    CAPTURE(curve);
    const EvpPkeyPtr key = test::generate_private_key(type);
    const boost::json::object jwk = boost::json::parse(jose::jwk_json(key.get())).as_object();
    CHECK(jwk.size() == 4);
    CHECK(text(jwk.at("kty")) == "EC");
    CHECK(text(jwk.at("crv")) == curve);
    const std::string x(jwk.at("x").as_string());
    const std::string y(jwk.at("y").as_string());
    CHECK(x.size() == encoded_length);
    CHECK(y.size() == encoded_length);
    CHECK(base64url_decode(x) == coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, field_size));
    CHECK(base64url_decode(y) == coordinate(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, field_size));
}

TEST_CASE("P-256 x coordinate with a leading zero byte keeps all 32 bytes", "[unit]") {
    // About one key in 256 has x < 2^248; search for one so the padding path really runs.
    EvpPkeyPtr key;
    for (int attempt = 0; attempt < 20000 && !key; ++attempt) {
        EvpPkeyPtr candidate = test::generate_private_key(KeyType::EcP256);
        if (coordinate(candidate.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32).front() == 0)
            key = std::move(candidate);
    }
    REQUIRE(key);
    const boost::json::object jwk = boost::json::parse(jose::jwk_json(key.get())).as_object();
    const Bytes x = base64url_decode(std::string(jwk.at("x").as_string()));
    CHECK(x.size() == 32);
    CHECK(x.front() == 0);
}

TEST_CASE("RSA JWK has e and n without leading zeros", "[unit]") {
    const EvpPkeyPtr key = test::generate_private_key(KeyType::Rsa2048);
    const boost::json::object jwk = boost::json::parse(jose::jwk_json(key.get())).as_object();
    CHECK(jwk.size() == 3);
    CHECK(text(jwk.at("kty")) == "RSA");
    CHECK(text(jwk.at("e")) == "AQAB");
    const Bytes n = base64url_decode(std::string(jwk.at("n").as_string()));
    CHECK(n.size() == 256);
    CHECK(n.front() != 0);
}

TEST_CASE("key authorization joins the token and the account key thumbprint", "[unit]") {
    const EvpPkeyPtr key = test::rsa_public_key_from_jwk(test::rfc::kRfc7638N, "AQAB");
    const std::string token = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA";
    CHECK(jose::key_authorization(token, key.get()) ==
          token + "." + std::string(test::rfc::kRfc7638Thumbprint));
}

TEST_CASE("JWK of an Ed25519 key is Unsupported", "[unit]") {
    const EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    REQUIRE(key);
    try {
        jose::jwk_json(key.get());
        FAIL("expected Error{Unsupported}");
    } catch (const Error& error) {
        CHECK(error.code() == Errc::Unsupported);
    }
}
