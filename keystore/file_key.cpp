#include "keystore/file_key.h"

#include <openssl/ec.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/error.h"
#include "common/openssl_error.h"
#include "keystore/ecdsa_signature.h"
#include "keystore/key_uri.h"

namespace hwacme::keystore {
namespace {

const EVP_MD* message_digest(HashAlg hash) {
    return hash == HashAlg::Sha384 ? EVP_sha384() : EVP_sha256();
}

std::string_view hash_name(HashAlg hash) {
    return hash == HashAlg::Sha384 ? "SHA-384" : "SHA-256";
}

std::optional<KeyType> ec_key_type(const EVP_PKEY* key) {
    char group[80] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) != 1) return std::nullopt;
    int nid = OBJ_txt2nid(group);
    if (nid == NID_undef) nid = EC_curve_nist2nid(group);
    if (nid == NID_X9_62_prime256v1) return KeyType::EcP256;
    if (nid == NID_secp384r1) return KeyType::EcP384;
    return std::nullopt;
}

std::optional<KeyType> rsa_key_type(const EVP_PKEY* key) {
    for (KeyType type : {KeyType::Rsa2048, KeyType::Rsa3072, KeyType::Rsa4096})
        if (EVP_PKEY_get_bits(key) == static_cast<int>(rsa_bits(type))) return type;
    return std::nullopt;
}

}  // namespace

std::string key_kind(const EVP_PKEY* key) {
    const char* name = EVP_PKEY_get0_type_name(key);
    std::string kind = name ? name : "unknown";
    char group[80] = {};
    std::size_t length = 0;
    if (EVP_PKEY_get_group_name(key, group, sizeof group, &length) == 1) return kind + " " + group;
    return kind + " " + std::to_string(EVP_PKEY_get_bits(key)) + "-bit";
}

KeyType software_key_type(const EVP_PKEY* key, const std::filesystem::path& path) {
    std::optional<KeyType> type;
    // EVP_PKEY_RSA only: an RSA-PSS key (EVP_PKEY_RSA_PSS) cannot make the PKCS#1 v1.5
    // signatures RS256 needs (RFC 7518 §3.3).
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) type = ec_key_type(key);
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) type = rsa_key_type(key);
    if (!type)
        throw Error(Errc::Unsupported, path.string() + " holds an unsupported key (" +
                                           key_kind(key) + "); supported: " + key_type_names());
    return *type;
}

EvpPkeyPtr generate_software_key(KeyType type) {
    EvpPkeyPtr key;
    if (is_ec(type))
        key.reset(
            EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", type == KeyType::EcP256 ? "P-256" : "P-384"));
    else
        key.reset(
            EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(rsa_bits(type))));
    if (!key) throw_openssl("cannot generate a " + std::string(to_string(type)) + " key");
    return key;
}

FileKey::FileKey(EvpPkeyPtr private_key, KeyType type, std::filesystem::path path)
    : private_key_(std::move(private_key)), type_(type), path_(std::move(path)) {}

std::string FileKey::uri() const {
    return KeyUri::file(path_.string()).str();
}

EvpPkeyPtr FileKey::public_key() const {
    // A DER round trip through SubjectPublicKeyInfo leaves no private part behind.
    int length = i2d_PUBKEY(private_key_.get(), nullptr);
    if (length <= 0) throw_openssl("cannot encode the public key of " + path_.string());
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    i2d_PUBKEY(private_key_.get(), &out);
    const unsigned char* in = der.data();
    EvpPkeyPtr public_only(d2i_PUBKEY(nullptr, &in, length));
    if (!public_only) throw_openssl("cannot decode the public key of " + path_.string());
    return public_only;
}

Bytes FileKey::sign_digest(HashAlg hash, ByteView digest) const {
    if (digest.size() != digest_size(hash))
        throw Error(Errc::InvalidArgument, "a " + std::string(hash_name(hash)) + " digest has " +
                                               std::to_string(digest_size(hash)) + " bytes, not " +
                                               std::to_string(digest.size()) + " (signing with " +
                                               path_.string() + ")");
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, private_key_.get(), nullptr));
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), message_digest(hash)) != 1)
        throw_openssl("cannot start signing with " + path_.string());
    // RFC 8017 §8.2.1: OpenSSL wraps the digest in the DigestInfo named by the signature md.
    if (!is_ec(type_) && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
        throw_openssl("cannot select PKCS#1 v1.5 padding for " + path_.string());
    std::size_t length = 0;
    if (EVP_PKEY_sign(ctx.get(), nullptr, &length, digest.data(), digest.size()) != 1)
        throw_openssl("cannot size the signature of " + path_.string());
    Bytes signature(length);
    if (EVP_PKEY_sign(ctx.get(), signature.data(), &length, digest.data(), digest.size()) != 1)
        throw_openssl("cannot sign with " + path_.string());
    signature.resize(length);
    // OpenSSL gives ECDSA as DER; JWS wants fixed-width r||s (RFC 7518 §3.4).
    if (is_ec(type_)) return ecdsa_der_to_raw(signature, ec_field_size(type_));
    return signature;
}

}  // namespace hwacme::keystore
