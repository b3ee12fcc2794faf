#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>

#include "agent/jose/jwk.h"
#include "agent/jose/jws.h"
#include "common/base64url.h"
#include "memory_key.h"
#include "rfc_vectors.h"

using namespace hwacme;
using keystore::KeyType;

namespace {

std::string text(const boost::json::value& value) {
    return std::string(value.as_string());
}

struct ParsedJws {
    std::string protected_header;  // decoded
    std::string encoded_protected;
    std::string encoded_payload;
    Bytes signature;
};

ParsedJws parse_flattened(const std::string& text) {
    const boost::json::object jws = boost::json::parse(text).as_object();
    REQUIRE(jws.size() == 3);
    ParsedJws parsed;
    parsed.encoded_protected = std::string(jws.at("protected").as_string());
    parsed.encoded_payload = std::string(jws.at("payload").as_string());
    parsed.protected_header = to_string(base64url_decode(parsed.encoded_protected));
    parsed.signature = base64url_decode(std::string(jws.at("signature").as_string()));
    return parsed;
}

std::string signing_input(const ParsedJws& jws) {
    return jws.encoded_protected + "." + jws.encoded_payload;
}

const std::string kUrl = "https://ca.example/acme/new-order";
const std::string kNonce = "oFvnlFP1wIhRlYS2jTaXbA";
const std::string kAccount = "https://ca.example/acme/acct/evOfKhNU60wg";

}  // namespace

TEST_CASE("RFC 7515 A.2 RS256 signature is reproduced byte for byte", "[unit]") {
    const test::MemoryKey key(test::rsa_key_from_jwk(test::rfc::kA2Key));
    const ParsedJws jws = parse_flattened(
        jose::sign_flattened(key, std::string(test::rfc::kA2Header), test::rfc::kPayload));
    CHECK(jws.encoded_protected == test::rfc::kA2EncodedHeader);
    CHECK(jws.encoded_payload == test::rfc::kEncodedPayload);
    CHECK(base64url_encode(jws.signature) == test::rfc::kA2Signature);
}

TEST_CASE("RFC 7515 A.3 ES256 signature and ours both verify with the RFC key", "[unit]") {
    const test::MemoryKey key(test::p256_key_from_jwk(
        std::string(test::rfc::kA3X), std::string(test::rfc::kA3Y), std::string(test::rfc::kA3D)));
    const EvpPkeyPtr public_key = key.public_key();
    const std::string rfc_input =
        std::string(test::rfc::kA3EncodedHeader) + "." + std::string(test::rfc::kEncodedPayload);
    CHECK(test::verify_jws_signature(public_key.get(), keystore::HashAlg::Sha256, rfc_input,
                                     base64url_decode(test::rfc::kA3Signature)));

    const ParsedJws ours = parse_flattened(
        jose::sign_flattened(key, std::string(test::rfc::kA3Header), test::rfc::kPayload));
    CHECK(signing_input(ours) == rfc_input);
    CHECK(ours.signature.size() == 64);
    CHECK(test::verify_jws_signature(public_key.get(), keystore::HashAlg::Sha256, rfc_input,
                                     ours.signature));

    Bytes tampered = ours.signature;
    tampered[10] ^= 0x01;
    CHECK_FALSE(test::verify_jws_signature(public_key.get(), keystore::HashAlg::Sha256, rfc_input,
                                           tampered));
}

TEST_CASE("ACME header with kid has alg, kid, nonce, url in that order and no jwk", "[unit]") {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP256));
    CHECK(jose::acme_protected_header(key, kUrl, kNonce, kAccount) ==
          R"({"alg":"ES256","kid":")" + kAccount + R"(","nonce":")" + kNonce + R"(","url":")" +
              kUrl + R"("})");
}

TEST_CASE("ACME header without kid embeds the key's canonical jwk", "[unit]") {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP384));
    const std::string jwk = jose::jwk_json(key.public_key().get());
    const std::string header = jose::acme_protected_header(key, kUrl, kNonce, std::nullopt);
    CHECK(header == R"({"alg":"ES384","jwk":)" + jwk + R"(,"nonce":")" + kNonce + R"(","url":")" +
                        kUrl + R"("})");
    const boost::json::object parsed = boost::json::parse(header).as_object();
    CHECK(parsed.at("jwk") == boost::json::parse(jwk));
    CHECK_FALSE(parsed.contains("kid"));
}

TEST_CASE("ACME header without nonce leaves the member out", "[unit]") {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP256));
    const boost::json::object parsed =
        boost::json::parse(jose::acme_protected_header(key, kUrl, std::nullopt, kAccount))
            .as_object();
    CHECK_FALSE(parsed.contains("nonce"));
    CHECK(text(parsed.at("url")) == kUrl);
}

TEST_CASE("ACME header escapes quotes and backslashes in strings", "[unit]") {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP256));
    const std::string odd_url = "https://ca.example/a\"b\\c\n";
    const std::string odd_nonce = "n\"once";
    const boost::json::object parsed =
        boost::json::parse(jose::acme_protected_header(key, odd_url, odd_nonce, kAccount))
            .as_object();
    CHECK(text(parsed.at("url")) == odd_url);
    CHECK(text(parsed.at("nonce")) == odd_nonce);
}

TEST_CASE("POST-as-GET request has an empty payload and verifies with the account key", "[unit]") {
    const auto [type, hash, signature_size] =
        GENERATE(std::tuple{KeyType::EcP256, keystore::HashAlg::Sha256, 64u},
                 std::tuple{KeyType::EcP384, keystore::HashAlg::Sha384, 96u},
                 std::tuple{KeyType::Rsa2048, keystore::HashAlg::Sha256, 256u});
    CAPTURE(keystore::to_string(type));
    const test::MemoryKey key(test::generate_private_key(type));
    const ParsedJws jws = parse_flattened(jose::sign_acme_request(key, "", kUrl, kNonce, kAccount));
    CHECK(jws.encoded_payload.empty());
    CHECK(jws.protected_header == jose::acme_protected_header(key, kUrl, kNonce, kAccount));
    CHECK(text(boost::json::parse(jws.protected_header).at("alg")) ==
          keystore::jws_algorithm(type));
    CHECK(jws.signature.size() == signature_size);
    const EvpPkeyPtr public_key = key.public_key();
    CHECK(test::verify_jws_signature(public_key.get(), hash, signing_input(jws), jws.signature));
}

TEST_CASE("newAccount request carries its JSON payload base64url-encoded", "[unit]") {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP256));
    const std::string payload = R"({"termsOfServiceAgreed":true})";
    const ParsedJws jws =
        parse_flattened(jose::sign_acme_request(key, payload, kUrl, kNonce, std::nullopt));
    CHECK(to_string(base64url_decode(jws.encoded_payload)) == payload);
    CHECK(boost::json::parse(jws.protected_header).as_object().contains("jwk"));
    const EvpPkeyPtr public_key = key.public_key();
    CHECK(test::verify_jws_signature(public_key.get(), keystore::HashAlg::Sha256,
                                     signing_input(jws), jws.signature));
}
