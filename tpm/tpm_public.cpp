#include "tpm/tpm_public.h"

#include <tss2/tss2_mu.h>
#include <tss2/tss2_tpm2_types.h>

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>

#include "common/error.h"
#include "common/openssl_error.h"
#include "tpm/tpm_location.h"

namespace hwacme::tpm {
namespace {

using keystore::KeyType;

constexpr TPMA_OBJECT kSigningAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                                           TPMA_OBJECT_SENSITIVEDATAORIGIN |
                                           TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_SIGN_ENCRYPT;

// The attributes that keep a key inside this TPM (Part 1 §27.1: an object can be duplicated only
// when fixedTPM and fixedParent are CLEAR; sensitiveDataOrigin says no one outside saw the key).
constexpr std::array<std::pair<TPMA_OBJECT, const char*>, 3> kCustodyAttributes{{
    {TPMA_OBJECT_FIXEDTPM, "fixedTPM"},
    {TPMA_OBJECT_FIXEDPARENT, "fixedParent"},
    {TPMA_OBJECT_SENSITIVEDATAORIGIN, "sensitiveDataOrigin"},
}};

constexpr std::array<std::pair<TPMA_OBJECT, const char*>, 10> kAttributeNames{{
    {TPMA_OBJECT_FIXEDTPM, "fixedTPM"},
    {TPMA_OBJECT_STCLEAR, "stClear"},
    {TPMA_OBJECT_FIXEDPARENT, "fixedParent"},
    {TPMA_OBJECT_SENSITIVEDATAORIGIN, "sensitiveDataOrigin"},
    {TPMA_OBJECT_USERWITHAUTH, "userWithAuth"},
    {TPMA_OBJECT_ADMINWITHPOLICY, "adminWithPolicy"},
    {TPMA_OBJECT_NODA, "noDA"},
    {TPMA_OBJECT_RESTRICTED, "restricted"},
    {TPMA_OBJECT_DECRYPT, "decrypt"},
    {TPMA_OBJECT_SIGN_ENCRYPT, "sign"},
}};

// The builder keeps a pointer to the BIGNUM until OSSL_PARAM_BLD_to_param: returned to be kept.
BignumPtr push_bn(OSSL_PARAM_BLD* bld, const char* name, const std::uint8_t* data,
                  std::size_t size) {
    BignumPtr bn(BN_bin2bn(data, static_cast<int>(size), nullptr));
    if (!bn || OSSL_PARAM_BLD_push_BN(bld, name, bn.get()) != 1)
        throw_openssl("cannot build the TPM key's public parameters");
    return bn;
}

}  // namespace

TPM2B_PUBLIC signing_template(KeyType type) {
    TPM2B_PUBLIC pub{};
    TPMT_PUBLIC& area = pub.publicArea;
    area.nameAlg = TPM2_ALG_SHA256;
    area.objectAttributes = kSigningAttributes;
    switch (type) {
        case KeyType::EcP256:
        case KeyType::EcP384:
            area.type = TPM2_ALG_ECC;
            area.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_NULL;
            area.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
            area.parameters.eccDetail.curveID =
                type == KeyType::EcP256 ? TPM2_ECC_NIST_P256 : TPM2_ECC_NIST_P384;
            area.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
            return pub;
        case KeyType::Rsa2048:
            area.type = TPM2_ALG_RSA;
            area.parameters.rsaDetail.symmetric.algorithm = TPM2_ALG_NULL;
            // No fixed scheme: each TPM2_Sign names its own, so the key signs RSASSA for JWS
            // and the CSR, and RSA-PSS for a TLS 1.3 server through tpm2-openssl.
            area.parameters.rsaDetail.scheme.scheme = TPM2_ALG_NULL;
            area.parameters.rsaDetail.keyBits = 2048;
            area.parameters.rsaDetail.exponent = 0;  // Part 2 §12.2.3.5: 0 means 65537
            return pub;
        default:
            throw Error(Errc::Unsupported,
                        "the TPM backend generates ec-p256, ec-p384 and "
                        "rsa2048 keys, not " +
                            std::string(keystore::to_string(type)));
    }
}

KeyType key_type_of(const TPM2B_PUBLIC& pub, const std::string& what) {
    const TPMT_PUBLIC& area = pub.publicArea;
    if (area.type == TPM2_ALG_ECC) {
        if (area.parameters.eccDetail.curveID == TPM2_ECC_NIST_P256) return KeyType::EcP256;
        if (area.parameters.eccDetail.curveID == TPM2_ECC_NIST_P384) return KeyType::EcP384;
    } else if (area.type == TPM2_ALG_RSA) {
        switch (area.parameters.rsaDetail.keyBits) {
            case 2048:
                return KeyType::Rsa2048;
            case 3072:
                return KeyType::Rsa3072;
            case 4096:
                return KeyType::Rsa4096;
            default:
                break;
        }
    }
    throw Error(Errc::Unsupported, what + " is not an ECC P-256/P-384 or RSA 2048-4096 key");
}

void check_custody(const TPM2B_PUBLIC& pub, bool allow_extractable, const std::string& what) {
    TPMA_OBJECT attrs = pub.publicArea.objectAttributes;
    // A restricted key signs only TPM-made structures (Part 3 §20.2.1): not a JWS digest.
    if (!(attrs & TPMA_OBJECT_SIGN_ENCRYPT) || (attrs & TPMA_OBJECT_RESTRICTED))
        throw Error(Errc::Unsupported,
                    what + " is not an unrestricted signing key (attributes " + hex32(attrs) + ")");
    if (allow_extractable) return;
    for (auto [bit, name] : kCustodyAttributes)
        if (!(attrs & bit))
            throw Error(Errc::Custody, what + " lacks " + name +
                                           ", so it could leave the TPM (allow extractable "
                                           "keys to use it anyway)");
}

EvpPkeyPtr public_key_of(const TPM2B_PUBLIC& pub) {
    const TPMT_PUBLIC& area = pub.publicArea;
    KeyType type = key_type_of(pub, "the TPM key");
    CHandle<OSSL_PARAM_BLD, &OSSL_PARAM_BLD_free> bld(OSSL_PARAM_BLD_new());
    if (!bld) throw_openssl("cannot build the TPM key's public parameters");
    const char* algorithm = "EC";
    Bytes point;
    BignumPtr n, e;
    if (keystore::is_ec(type)) {
        // SEC 1 §2.3.3 uncompressed point; the TPM may drop leading zero bytes of x and y.
        std::size_t field = keystore::ec_field_size(type);
        const TPMS_ECC_POINT& ecc = area.unique.ecc;
        if (ecc.x.size > field || ecc.y.size > field)
            throw Error(Errc::DeviceFailure, "the TPM key's EC point is longer than its field");
        point.assign(1 + 2 * field, 0);
        point[0] = 0x04;
        std::copy_n(ecc.x.buffer, ecc.x.size, point.begin() + 1 + (field - ecc.x.size));
        std::copy_n(ecc.y.buffer, ecc.y.size, point.end() - ecc.y.size);
        const char* group = type == KeyType::EcP256 ? "P-256" : "P-384";
        if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                             point.size()) != 1)
            throw_openssl("cannot build the TPM key's public parameters");
    } else {
        algorithm = "RSA";
        std::uint32_t exponent = area.parameters.rsaDetail.exponent;
        if (exponent == 0) exponent = 65537;
        const std::uint8_t e_bytes[] = {
            static_cast<std::uint8_t>(exponent >> 24), static_cast<std::uint8_t>(exponent >> 16),
            static_cast<std::uint8_t>(exponent >> 8), static_cast<std::uint8_t>(exponent)};
        n = push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, area.unique.rsa.buffer, area.unique.rsa.size);
        e = push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e_bytes, sizeof e_bytes);
    }
    CHandle<OSSL_PARAM, &OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(bld.get()));
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        throw_openssl("cannot import the TPM key's public half");
    return EvpPkeyPtr(key);
}

std::vector<std::pair<std::string, std::string>> public_facts(const TPM2B_PUBLIC& pub) {
    TPMA_OBJECT attrs = pub.publicArea.objectAttributes;
    std::vector<std::pair<std::string, std::string>> facts;
    facts.emplace_back("key type", std::string(keystore::to_string(key_type_of(pub, "the key"))));
    facts.emplace_back("object attributes", hex32(attrs));
    for (auto [bit, name] : kAttributeNames) facts.emplace_back(name, attrs & bit ? "yes" : "no");
    bool bound = (attrs & TPMA_OBJECT_FIXEDTPM) && (attrs & TPMA_OBJECT_FIXEDPARENT) &&
                 (attrs & TPMA_OBJECT_SENSITIVEDATAORIGIN);
    facts.emplace_back("custody", bound ? "generated in this TPM, cannot be duplicated out of it"
                                        : "can leave this TPM (duplicable or imported)");
    return facts;
}

Bytes marshal_public(const TPM2B_PUBLIC& pub) {
    Bytes out(sizeof(TPM2B_PUBLIC));
    std::size_t offset = 0;
    TSS2_RC rc = Tss2_MU_TPM2B_PUBLIC_Marshal(&pub, out.data(), out.size(), &offset);
    if (rc != TSS2_RC_SUCCESS)
        throw Error(Errc::DeviceFailure, "cannot marshal the TPM key's public area");
    out.resize(offset);
    return out;
}

TPM2B_PUBLIC unmarshal_public(ByteView data, const std::string& what) {
    TPM2B_PUBLIC pub{};
    std::size_t offset = 0;
    // An empty TPM2B (size 0) unmarshals without error into an all-zero area, which is no key.
    if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(data.data(), data.size(), &offset, &pub) !=
            TSS2_RC_SUCCESS ||
        offset != data.size() || pub.size == 0)
        throw Error(Errc::InvalidArgument, what + " holds a malformed TPM2B_PUBLIC");
    return pub;
}

}  // namespace hwacme::tpm
