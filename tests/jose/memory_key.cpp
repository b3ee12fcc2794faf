#include "memory_key.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "common/base64url.h"
#include "common/error.h"
#include "common/openssl_error.h"
#include "keystore/ecdsa_signature.h"

namespace hwacme::test {
namespace {

using ParamBuildPtr = CHandle<OSSL_PARAM_BLD, &OSSL_PARAM_BLD_free>;
using ParamsPtr = CHandle<OSSL_PARAM, &OSSL_PARAM_free>;

const EVP_MD* message_digest(keystore::HashAlg hash) {
    return hash == keystore::HashAlg::Sha384 ? EVP_sha384() : EVP_sha256();
}

keystore::KeyType type_of(const EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA")) {
        switch (EVP_PKEY_get_bits(key)) {
            case 3072:
                return keystore::KeyType::Rsa3072;
            case 4096:
                return keystore::KeyType::Rsa4096;
            default:
                return keystore::KeyType::Rsa2048;
        }
    }
    if (EVP_PKEY_is_a(key, "EC"))
        return EVP_PKEY_get_bits(key) == 384 ? keystore::KeyType::EcP384
                                             : keystore::KeyType::EcP256;
    throw Error(Errc::Unsupported, "test key is neither EC nor RSA");
}

EvpPkeyPtr key_from_params(const char* type, OSSL_PARAM_BLD* builder, bool is_private) {
    ParamsPtr params(OSSL_PARAM_BLD_to_param(builder));
    EvpPkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
        EVP_PKEY_fromdata(context.get(), &key, is_private ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params.get()) != 1)
        throw_openssl(std::string("cannot build a test ") + type + " key");
    return EvpPkeyPtr(key);
}

void push_bignum(OSSL_PARAM_BLD* builder, const char* name, std::string_view member,
                 std::vector<BignumPtr>& keep_alive) {
    const Bytes bytes = base64url_decode(member);
    keep_alive.emplace_back(BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!keep_alive.back() || OSSL_PARAM_BLD_push_BN(builder, name, keep_alive.back().get()) != 1)
        throw_openssl(std::string("cannot set test key member ") + name);
}

}  // namespace

MemoryKey::MemoryKey(EvpPkeyPtr private_key)
    : private_key_(std::move(private_key)), type_(type_of(private_key_.get())) {}

EvpPkeyPtr MemoryKey::public_key() const {
    // A DER round trip drops the private half, as a hardware key's public_key() would.
    const int length = i2d_PUBKEY(private_key_.get(), nullptr);
    if (length <= 0) throw_openssl("cannot encode the test public key");
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* out = der.data();
    i2d_PUBKEY(private_key_.get(), &out);
    const unsigned char* cursor = der.data();
    EvpPkeyPtr public_only(d2i_PUBKEY(nullptr, &cursor, length));
    if (!public_only) throw_openssl("cannot decode the test public key");
    return public_only;
}

Bytes MemoryKey::sign_digest(keystore::HashAlg hash, ByteView digest) const {
    if (digest.size() != keystore::digest_size(hash))
        throw Error(Errc::InvalidArgument, "digest length does not match its hash");
    EvpPkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, private_key_.get(), nullptr));
    if (!context || EVP_PKEY_sign_init(context.get()) != 1 ||
        EVP_PKEY_CTX_set_signature_md(context.get(), message_digest(hash)) != 1)
        throw_openssl("cannot start a test signature");
    if (!keystore::is_ec(type_) &&
        EVP_PKEY_CTX_set_rsa_padding(context.get(), RSA_PKCS1_PADDING) != 1)
        throw_openssl("cannot select PKCS#1 v1.5 padding");
    std::size_t length = 0;
    if (EVP_PKEY_sign(context.get(), nullptr, &length, digest.data(), digest.size()) != 1)
        throw_openssl("cannot size a test signature");
    Bytes signature(length);
    if (EVP_PKEY_sign(context.get(), signature.data(), &length, digest.data(), digest.size()) != 1)
        throw_openssl("cannot make a test signature");
    signature.resize(length);
    if (keystore::is_ec(type_))
        return keystore::ecdsa_der_to_raw(signature, keystore::ec_field_size(type_));
    return signature;
}

EvpPkeyPtr generate_private_key(keystore::KeyType type) {
    EVP_PKEY* key = nullptr;
    switch (type) {
        case keystore::KeyType::EcP256:
            key = EVP_EC_gen("P-256");
            break;
        case keystore::KeyType::EcP384:
            key = EVP_EC_gen("P-384");
            break;
        default:
            key = EVP_RSA_gen(keystore::rsa_bits(type));
            break;
    }
    if (key == nullptr) throw_openssl("cannot generate a test key");
    return EvpPkeyPtr(key);
}

EvpPkeyPtr rsa_key_from_jwk(const RsaJwkMembers& m) {
    ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    if (!builder) throw_openssl("cannot allocate a parameter builder");
    std::vector<BignumPtr> keep_alive;
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_N, m.n, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_E, m.e, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_D, m.d, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, m.p, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, m.q, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, m.dp, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, m.dq, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, m.qi, keep_alive);
    return key_from_params("RSA", builder.get(), true);
}

EvpPkeyPtr rsa_public_key_from_jwk(std::string_view n, std::string_view e) {
    ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    if (!builder) throw_openssl("cannot allocate a parameter builder");
    std::vector<BignumPtr> keep_alive;
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_N, n, keep_alive);
    push_bignum(builder.get(), OSSL_PKEY_PARAM_RSA_E, e, keep_alive);
    return key_from_params("RSA", builder.get(), false);
}

EvpPkeyPtr p256_key_from_jwk(const std::string& x, const std::string& y, const std::string& d) {
    ParamBuildPtr builder(OSSL_PARAM_BLD_new());
    if (!builder) throw_openssl("cannot allocate a parameter builder");
    // SEC 1 §2.3.3 uncompressed point: 0x04 || x || y.
    Bytes point{0x04};
    for (const std::string& coordinate : {x, y}) {
        const Bytes bytes = base64url_decode(coordinate);
        point.insert(point.end(), bytes.begin(), bytes.end());
    }
    std::vector<BignumPtr> keep_alive;
    if (OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) !=
            1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1)
        throw_openssl("cannot set the test EC point");
    if (!d.empty()) push_bignum(builder.get(), OSSL_PKEY_PARAM_PRIV_KEY, d, keep_alive);
    return key_from_params("EC", builder.get(), !d.empty());
}

bool verify_jws_signature(EVP_PKEY* public_key, keystore::HashAlg hash,
                          std::string_view signing_input, ByteView signature) {
    Bytes encoded(signature.begin(), signature.end());
    if (EVP_PKEY_is_a(public_key, "EC")) encoded = keystore::ecdsa_raw_to_der(signature);
    EvpMdCtxPtr context(EVP_MD_CTX_new());
    if (!context || EVP_DigestVerifyInit(context.get(), nullptr, message_digest(hash), nullptr,
                                         public_key) != 1)
        throw_openssl("cannot start a test verification");
    const ByteView input = as_bytes(signing_input);
    return EVP_DigestVerify(context.get(), encoded.data(), encoded.size(), input.data(),
                            input.size()) == 1;
}

}  // namespace hwacme::test
