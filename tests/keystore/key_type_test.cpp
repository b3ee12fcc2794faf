#include "keystore/key_type.h"

#include <catch2/catch.hpp>
#include <string>

using namespace hwacme::keystore;

TEST_CASE("every key type name parses back to its type", "[unit]") {
    for (KeyType type :
         {KeyType::EcP256, KeyType::EcP384, KeyType::Rsa2048, KeyType::Rsa3072, KeyType::Rsa4096}) {
        INFO(to_string(type));
        CHECK(parse_key_type(to_string(type)) == type);
        CHECK_THAT(key_type_names(), Catch::Contains(std::string(to_string(type))));
    }
    CHECK(to_string(KeyType::EcP256) == "ec-p256");
    CHECK(to_string(KeyType::Rsa4096) == "rsa4096");
    CHECK(key_type_names() == "ec-p256, ec-p384, rsa2048, rsa3072, rsa4096");
}

TEST_CASE("unknown key type names are not parsed", "[unit]") {
    CHECK(parse_key_type("") == std::nullopt);
    CHECK(parse_key_type("EC-P256") == std::nullopt);
    CHECK(parse_key_type("rsa1024") == std::nullopt);
    CHECK(parse_key_type("ed25519") == std::nullopt);
}

TEST_CASE("key types map to their JWS algorithm, hash and sizes", "[unit]") {
    CHECK(jws_algorithm(KeyType::EcP256) == "ES256");
    CHECK(jws_algorithm(KeyType::EcP384) == "ES384");
    CHECK(jws_algorithm(KeyType::Rsa3072) == "RS256");
    CHECK(signature_hash(KeyType::EcP256) == HashAlg::Sha256);
    CHECK(signature_hash(KeyType::EcP384) == HashAlg::Sha384);
    CHECK(signature_hash(KeyType::Rsa4096) == HashAlg::Sha256);
    CHECK(is_ec(KeyType::EcP384));
    CHECK_FALSE(is_ec(KeyType::Rsa2048));
    CHECK(ec_field_size(KeyType::EcP256) == 32);
    CHECK(ec_field_size(KeyType::EcP384) == 48);
    CHECK(ec_field_size(KeyType::Rsa2048) == 0);
    CHECK(rsa_bits(KeyType::Rsa2048) == 2048);
    CHECK(rsa_bits(KeyType::Rsa3072) == 3072);
    CHECK(rsa_bits(KeyType::Rsa4096) == 4096);
    CHECK(rsa_bits(KeyType::EcP256) == 0);
    CHECK(digest_size(HashAlg::Sha256) == 32);
    CHECK(digest_size(HashAlg::Sha384) == 48);
}
