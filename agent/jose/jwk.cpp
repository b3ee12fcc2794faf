#include "agent/jose/jwk.h"

#include <openssl/core_names.h>
#include <openssl/obj_mac.h>

#include <array>
#include <string_view>

#include "common/base64url.h"
#include "common/c_handle.h"
#include "common/error.h"
#include "common/openssl_error.h"
#include "keystore/key.h"

namespace hwacme::jose {
namespace {

struct Curve {
    std::string_view openssl_name;
    std::string_view jwk_name;  // RFC 7518 §6.2.1.1
    std::size_t field_size;
};

constexpr std::array<Curve, 2> kCurves{{
    {SN_X9_62_prime256v1, "P-256", 32},
    {SN_secp384r1, "P-384", 48},
}};

const Curve& curve_of(const EVP_PKEY* public_key) {
    std::array<char, 64> group{};
    std::size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(public_key, OSSL_PKEY_PARAM_GROUP_NAME, group.data(),
                                       group.size(), &length) != 1)
        throw_openssl("cannot read the curve of an EC public key", Errc::Unsupported);
    const std::string_view name(group.data(), length);
    for (const Curve& curve : kCurves)
        if (curve.openssl_name == name) return curve;
    throw Error(Errc::Unsupported,
                "EC curve " + std::string(name) + " has no JWS algorithm here (P-256, P-384 only)");
}

BignumPtr bn_param(const EVP_PKEY* public_key, const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(public_key, name, &raw) != 1)
        throw_openssl(std::string("cannot read public key parameter ") + name);
    return BignumPtr(raw);
}

// RFC 7518 §6.2.1.2: an EC coordinate is always the full field size, leading zeros kept.
std::string fixed_width(const BIGNUM* value, std::size_t width) {
    Bytes bytes(width);
    if (BN_bn2binpad(value, bytes.data(), static_cast<int>(width)) < 0)
        throw Error(Errc::Crypto, "EC coordinate longer than the curve's field");
    return base64url_encode(bytes);
}

// RFC 7518 §6.3.1.1: RSA integers as unsigned big-endian octets without leading zeros.
std::string minimal_width(const BIGNUM* value) {
    Bytes bytes(static_cast<std::size_t>(BN_num_bytes(value)));
    BN_bn2bin(value, bytes.data());
    return base64url_encode(bytes);
}

// Every member value is base64url or a fixed curve name, so no character needs JSON escaping
// and the text below is already the RFC 7638 §3.2 canonical form (sorted, no white space).
std::string ec_jwk(const EVP_PKEY* public_key) {
    const Curve& curve = curve_of(public_key);
    BignumPtr x = bn_param(public_key, OSSL_PKEY_PARAM_EC_PUB_X);
    BignumPtr y = bn_param(public_key, OSSL_PKEY_PARAM_EC_PUB_Y);
    return std::string(R"({"crv":")") + std::string(curve.jwk_name) + R"(","kty":"EC","x":")" +
           fixed_width(x.get(), curve.field_size) + R"(","y":")" +
           fixed_width(y.get(), curve.field_size) + R"("})";
}

std::string rsa_jwk(const EVP_PKEY* public_key) {
    BignumPtr n = bn_param(public_key, OSSL_PKEY_PARAM_RSA_N);
    BignumPtr e = bn_param(public_key, OSSL_PKEY_PARAM_RSA_E);
    return std::string(R"({"e":")") + minimal_width(e.get()) + R"(","kty":"RSA","n":")" +
           minimal_width(n.get()) + R"("})";
}

}  // namespace

std::string jwk_json(const EVP_PKEY* public_key) {
    if (public_key == nullptr) throw Error(Errc::InvalidArgument, "no public key for a JWK");
    if (EVP_PKEY_is_a(public_key, "EC")) return ec_jwk(public_key);
    if (EVP_PKEY_is_a(public_key, "RSA")) return rsa_jwk(public_key);
    const char* type_name = EVP_PKEY_get0_type_name(public_key);
    throw Error(Errc::Unsupported,
                std::string("no JWK form for key type ") + (type_name ? type_name : "unknown"));
}

std::string jwk_thumbprint(const EVP_PKEY* public_key) {
    return base64url_encode(
        keystore::digest(keystore::HashAlg::Sha256, as_bytes(jwk_json(public_key))));
}

std::string key_authorization(const std::string& token, const EVP_PKEY* account_public_key) {
    return token + "." + jwk_thumbprint(account_public_key);
}

}  // namespace hwacme::jose
