#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hwacme::keystore {

/// The key algorithms every backend may offer. A backend that cannot make one says Unsupported.
enum class KeyType { EcP256, EcP384, Rsa2048, Rsa3072, Rsa4096 };

/// The hash a signature is made over. The host computes it; devices sign the digest.
enum class HashAlg { Sha256, Sha384 };

/// "ec-p256", "ec-p384", "rsa2048", "rsa3072", "rsa4096" — the names on the command line.
std::string_view to_string(KeyType type) noexcept;
/// Parses the command-line name; std::nullopt when unknown.
std::optional<KeyType> parse_key_type(std::string_view name) noexcept;
/// "ec-p256, ec-p384, …" for help texts and error messages.
std::string key_type_names();

bool is_ec(KeyType type) noexcept;
/// Bytes of one EC coordinate (32 for P-256, 48 for P-384); 0 for RSA.
std::size_t ec_field_size(KeyType type) noexcept;
/// RSA modulus bits; 0 for EC.
unsigned rsa_bits(KeyType type) noexcept;

/// The JWS "alg" (RFC 7518 §3.1) for a key: ES256, ES384 or RS256.
std::string_view jws_algorithm(KeyType type) noexcept;
/// The hash that goes with jws_algorithm(): SHA-384 for P-384, SHA-256 otherwise.
HashAlg signature_hash(KeyType type) noexcept;
/// Digest length in bytes.
std::size_t digest_size(HashAlg hash) noexcept;

}  // namespace hwacme::keystore
