#include "pkcs11/key_objects.h"

#include <algorithm>
#include <array>

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "common/openssl_error.h"
#include "pkcs11/ec_params.h"

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

}  // namespace

std::vector<ObjectHandle> find_objects(Session& session, unsigned long object_class,
                                       const std::optional<std::string>& label,
                                       const std::optional<Bytes>& id) {
    Template match{Attribute::number(CKA_CLASS, object_class)};
    if (label) match.push_back(Attribute::bytes(CKA_LABEL, as_bytes(*label)));
    if (id) match.push_back(Attribute::bytes(CKA_ID, *id));
    return session.find(match);
}

keystore::KeyType read_key_type(Session& session, ObjectHandle key) {
    auto type = session.attribute(key, CKA_KEY_TYPE);
    CK_KEY_TYPE kt = CKK_VENDOR_DEFINED;
    if (type && type->size() == sizeof kt)
        std::copy(type->begin(), type->end(), reinterpret_cast<std::uint8_t*>(&kt));
    if (kt == CKK_EC) {
        auto params = session.attribute(key, CKA_EC_PARAMS);
        if (params)
            if (auto t = ec_key_type(*params)) return *t;
        throw Error(Errc::Unsupported, "EC key on a curve other than P-256 or P-384");
    }
    if (kt == CKK_RSA) {
        auto modulus = session.attribute(key, CKA_MODULUS);
        std::size_t bits = modulus ? modulus->size() * 8 : 0;
        for (auto t :
             {keystore::KeyType::Rsa2048, keystore::KeyType::Rsa3072, keystore::KeyType::Rsa4096})
            if (keystore::rsa_bits(t) == bits) return t;
        throw Error(Errc::Unsupported,
                    "RSA key of " + std::to_string(bits) + " bits (supported: 2048, 3072, 4096)");
    }
    throw Error(Errc::Unsupported,
                "CKA_KEY_TYPE " + std::to_string(kt) + " is neither CKK_EC nor CKK_RSA");
}

KeyObject find_key(Session& session, const Pkcs11Uri& uri) {
    const std::string& token = session.token().label;
    if (!uri.object && !uri.id)
        throw Error(Errc::InvalidUri, "the PKCS#11 URI names no key: add object=LABEL or id=…");
    if (uri.type && *uri.type != "private")
        throw Error(Errc::InvalidUri,
                    "the PKCS#11 URI has type=" + *uri.type + ": keys are opened as type=private");
    auto found = find_objects(session, CKO_PRIVATE_KEY, uri.object, uri.id);
    const std::string named = uri.describe_object();
    if (found.empty())
        throw Error(Errc::NotFound, "no private key " + named + " on token '" + token + "'");
    if (found.size() > 1)
        throw Error(Errc::InvalidUri, std::to_string(found.size()) + " private keys match " +
                                          named + " on token '" + token + "': add id= to the URI");
    KeyObject key;
    key.private_key = found.front();
    auto label = session.attribute(key.private_key, CKA_LABEL);
    key.label = label ? to_string(*label) : "";
    key.id = session.attribute(key.private_key, CKA_ID).value_or(Bytes{});
    key.type = read_key_type(session, key.private_key);
    if (!key.id.empty()) {
        auto pub = find_objects(session, CKO_PUBLIC_KEY, std::nullopt, key.id);
        if (!pub.empty()) key.public_key = pub.front();
    }
    return key;
}

EvpPkeyPtr read_public_key(Session& session, const KeyObject& key) {
    std::string what = key_name(session.token().label, key);
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld) throw_openssl("cannot build the public key of " + what);
    if (keystore::is_ec(key.type)) {
        auto point =
            key.public_key ? session.attribute(*key.public_key, CKA_EC_POINT) : std::nullopt;
        if (!point)
            throw Error(Errc::Unsupported,
                        "no public key object with the id of " + what +
                            ": an EC private key object does not carry its public point");
        Bytes raw = ec_point(*point, keystore::ec_field_size(key.type));
        const char* group = key.type == keystore::KeyType::EcP256 ? "P-256" : "P-384";
        if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, raw.data(),
                                             raw.size()) != 1)
            throw_openssl("cannot build the public key of " + what);
        return from_params("EC", bld.get(), what);
    }
    // RSA private key objects carry the modulus and public exponent (PKCS#11 2.40 §2.1.3).
    auto n = session.attribute(key.private_key, CKA_MODULUS);
    auto e = session.attribute(key.private_key, CKA_PUBLIC_EXPONENT);
    if (!n || !e) throw Error(Errc::DeviceFailure, "the token hides the modulus of " + what);
    BignumPtr bn_n(BN_bin2bn(n->data(), static_cast<int>(n->size()), nullptr));
    BignumPtr bn_e(BN_bin2bn(e->data(), static_cast<int>(e->size()), nullptr));
    if (!bn_n || !bn_e ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
        throw_openssl("cannot build the public key of " + what);
    return from_params("RSA", bld.get(), what);
}

std::string Custody::problems() const {
    std::string out;
    auto require = [&](const std::optional<bool>& value, bool wanted, std::string_view name) {
        if (value == wanted) return;
        if (!out.empty()) out += ", ";
        out +=
            std::string(name) + (value ? (*value ? " is TRUE" : " is FALSE") : " is not reported");
    };
    require(sensitive, true, "CKA_SENSITIVE");
    require(extractable, false, "CKA_EXTRACTABLE");
    require(always_sensitive, true, "CKA_ALWAYS_SENSITIVE");
    require(never_extractable, true, "CKA_NEVER_EXTRACTABLE");
    require(local, true, "CKA_LOCAL");
    return out;
}

Custody read_custody(Session& session, ObjectHandle private_key) {
    return {session.flag(private_key, CKA_SENSITIVE), session.flag(private_key, CKA_EXTRACTABLE),
            session.flag(private_key, CKA_ALWAYS_SENSITIVE),
            session.flag(private_key, CKA_NEVER_EXTRACTABLE), session.flag(private_key, CKA_LOCAL)};
}

std::vector<std::pair<std::string, std::string>> describe_key(Session& session,
                                                              const KeyObject& key) {
    auto yes_no = [](const std::optional<bool>& v) {
        return v ? (*v ? "yes" : "no") : "not reported";
    };
    Custody custody = read_custody(session, key.private_key);
    std::string problems = custody.problems();
    const TokenInfo& token = session.token();
    return {
        {"backend", "pkcs11"},
        {"token", token.label},
        {"token serial", token.serial},
        {"token manufacturer", token.manufacturer},
        {"token model", token.model},
        {"object", key.label},
        {"id", hex(key.id)},
        {"key type", std::string(keystore::to_string(key.type))},
        {"sensitive", yes_no(custody.sensitive)},
        {"extractable", yes_no(custody.extractable)},
        {"always sensitive", yes_no(custody.always_sensitive)},
        {"never extractable", yes_no(custody.never_extractable)},
        {"generated on token", yes_no(custody.local)},
        {"may decrypt", yes_no(session.flag(key.private_key, CKA_DECRYPT))},
        {"custody", problems.empty() ? "bound to the token" : "can leave the token: " + problems},
    };
}

}  // namespace hwacme::pkcs11
