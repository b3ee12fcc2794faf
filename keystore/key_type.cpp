#include "keystore/key_type.h"

#include <array>
#include <utility>

namespace hwacme::keystore {
namespace {

constexpr std::array<std::pair<KeyType, std::string_view>, 5> kNames{{
    {KeyType::EcP256, "ec-p256"},
    {KeyType::EcP384, "ec-p384"},
    {KeyType::Rsa2048, "rsa2048"},
    {KeyType::Rsa3072, "rsa3072"},
    {KeyType::Rsa4096, "rsa4096"},
}};

}  // namespace

std::string_view to_string(KeyType type) noexcept {
    for (auto& [t, name] : kNames)
        if (t == type) return name;
    return "unknown";
}

std::optional<KeyType> parse_key_type(std::string_view name) noexcept {
    for (auto& [t, n] : kNames)
        if (n == name) return t;
    return std::nullopt;
}

std::string key_type_names() {
    std::string out;
    for (auto& [t, name] : kNames) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

bool is_ec(KeyType type) noexcept {
    return type == KeyType::EcP256 || type == KeyType::EcP384;
}

std::size_t ec_field_size(KeyType type) noexcept {
    switch (type) {
        case KeyType::EcP256:
            return 32;
        case KeyType::EcP384:
            return 48;
        default:
            return 0;
    }
}

unsigned rsa_bits(KeyType type) noexcept {
    switch (type) {
        case KeyType::Rsa2048:
            return 2048;
        case KeyType::Rsa3072:
            return 3072;
        case KeyType::Rsa4096:
            return 4096;
        default:
            return 0;
    }
}

std::string_view jws_algorithm(KeyType type) noexcept {
    switch (type) {
        case KeyType::EcP256:
            return "ES256";
        case KeyType::EcP384:
            return "ES384";
        default:
            return "RS256";
    }
}

HashAlg signature_hash(KeyType type) noexcept {
    return type == KeyType::EcP384 ? HashAlg::Sha384 : HashAlg::Sha256;
}

std::size_t digest_size(HashAlg hash) noexcept {
    return hash == HashAlg::Sha384 ? 48 : 32;
}

}  // namespace hwacme::keystore
