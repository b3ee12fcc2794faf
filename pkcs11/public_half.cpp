#include "pkcs11/public_half.h"

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <vector>

#include "common/openssl_error.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
namespace {

using ParamBldPtr = CHandle<OSSL_PARAM_BLD, &OSSL_PARAM_BLD_free>;
using ParamPtr = CHandle<OSSL_PARAM, &OSSL_PARAM_free>;
using OctetStringPtr = CHandle<ASN1_OCTET_STRING, &ASN1_OCTET_STRING_free>;

std::string key_name(const std::string& token, const KeyObject& key) {
    return "key '" + key.label + "' (id " + hex(key.id) + ") on token '" + token + "'";
}

EvpPkeyPtr from_params(const char* algorithm, OSSL_PARAM_BLD* bld, const std::string& what) {
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
    CHandle<EVP_PKEY_CTX, &EVP_PKEY_CTX_free> ctx(
        EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* pkey = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        throw_openssl("cannot build the public key of " + what);
    return EvpPkeyPtr(pkey);
}

// CKA_EC_POINT is a DER OCTET STRING around the point (PKCS#11 2.40 §2.3.3); some older tokens
// return the bare point, which is accepted too.
Bytes ec_point(const Bytes& value, std::size_t field_size) {
    if (value.size() == 1 + 2 * field_size && value[0] == 0x04) return value;
    const unsigned char* p = value.data();
    OctetStringPtr octets(d2i_ASN1_OCTET_STRING(nullptr, &p, static_cast<long>(value.size())));
    if (!octets) throw_openssl("CKA_EC_POINT is neither a point nor a DER OCTET STRING");
    const unsigned char* data = ASN1_STRING_get0_data(octets.get());
    return Bytes(data, data + ASN1_STRING_length(octets.get()));
}

EvpPkeyPtr ec_key(Session& session, ObjectHandle public_object, const KeyObject& key,
                  const std::string& what) {
    auto point = session.attribute(public_object, CKA_EC_POINT);
    if (!point) return nullptr;
    Bytes raw = ec_point(*point, keystore::ec_field_size(key.type));
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    const char* group = key.type == keystore::KeyType::EcP256 ? "P-256" : "P-384";
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, raw.data(),
                                         raw.size()) != 1)
        throw_openssl("cannot build the public key of " + what);
    return from_params("EC", bld.get(), what);
}

// RSA private key objects carry the modulus and public exponent (PKCS#11 2.40 §2.1.3); so do
// RSA public key objects.
EvpPkeyPtr rsa_key(Session& session, ObjectHandle object, const std::string& what) {
    auto n = session.attribute(object, CKA_MODULUS);
    auto e = session.attribute(object, CKA_PUBLIC_EXPONENT);
    if (!n || !e) return nullptr;
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    BignumPtr bn_n(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr));
    BignumPtr bn_e(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr));
    if (!bld || !bn_n || !bn_e ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
        throw_openssl("cannot build the public key of " + what);
    return from_params("RSA", bld.get(), what);
}

EvpPkeyPtr from_public_object(Session& session, ObjectHandle object, const KeyObject& key,
                              const std::string& what) {
    return keystore::is_ec(key.type) ? ec_key(session, object, key, what)
                                     : rsa_key(session, object, what);
}

EvpPkeyPtr from_spki(const std::optional<Bytes>& der) {
    if (!der) return nullptr;
    const unsigned char* p = der->data();
    return EvpPkeyPtr(d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())));
}

EvpPkeyPtr from_certificate(Session& session, ObjectHandle certificate) {
    auto der = session.attribute(certificate, CKA_VALUE);
    if (!der) return nullptr;
    const unsigned char* p = der->data();
    X509Ptr x509(d2i_X509(nullptr, &p, static_cast<long>(der->size())));
    if (!x509) return nullptr;
    EVP_PKEY* pkey = X509_get0_pubkey(x509.get());
    if (!pkey || EVP_PKEY_up_ref(pkey) != 1) return nullptr;
    return EvpPkeyPtr(pkey);
}

/// Objects of `object_class` beside the key: those with its id, else (no id, or none with it)
/// those with its label.
std::vector<ObjectHandle> beside(Session& session, unsigned long object_class, const KeyObject& key,
                                 bool& by_label) {
    by_label = false;
    if (!key.id.empty()) {
        auto found = find_objects(session, object_class, std::nullopt, key.id);
        if (!found.empty()) return found;
    }
    if (key.label.empty()) return {};
    by_label = true;
    return find_objects(session, object_class, key.label, std::nullopt);
}

std::vector<PublicHalf> candidates(Session& session, const KeyObject& key,
                                   const std::string& what) {
    std::vector<PublicHalf> found;
    auto add = [&](EvpPkeyPtr candidate, std::string source) {
        if (candidate) found.push_back({std::move(candidate), std::move(source)});
    };
    bool by_label = false;
    for (ObjectHandle object : beside(session, CKO_PUBLIC_KEY, key, by_label))
        add(from_public_object(session, object, key, what),
            by_label ? "the public key object with its CKA_LABEL"
                     : "the public key object with its CKA_ID");
    for (ObjectHandle object : beside(session, CKO_CERTIFICATE, key, by_label))
        add(from_certificate(session, object), by_label
                                                   ? "the certificate object with its CKA_LABEL"
                                                   : "the certificate object with its CKA_ID");
    add(from_spki(session.attribute(key.private_key, CKA_PUBLIC_KEY_INFO)),
        "the private key's CKA_PUBLIC_KEY_INFO");
    if (!keystore::is_ec(key.type))
        add(rsa_key(session, key.private_key, what), "the private key's modulus");
    return found;
}

}  // namespace

PublicHalf read_public_key(Session& session, const KeyObject& key) {
    std::string what = key_name(session.token().label, key);
    auto found = candidates(session, key, what);
    if (found.empty())
        throw Error(Errc::Unsupported,
                    "found no public half of " + what +
                        ": no public key or certificate object with its id or label, and no "
                        "CKA_PUBLIC_KEY_INFO (an EC private key does not carry its point)");
    for (std::size_t i = 1; i < found.size(); ++i)
        if (EVP_PKEY_eq(found.front().key.get(), found[i].key.get()) != 1)
            throw Error(Errc::InvalidArgument, "the public halves of " + what +
                                                   " disagree: " + found.front().source + " and " +
                                                   found[i].source + " hold different keys");
    return std::move(found.front());
}

}  // namespace hwacme::pkcs11
