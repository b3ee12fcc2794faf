#include "pkcs11/key_generation.h"

#include <openssl/rand.h>

#include "common/openssl_error.h"
#include "pkcs11/ec_params.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
namespace {

void refuse_existing(Session& session, const Pkcs11Uri& uri) {
    for (unsigned long cls : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
        bool by_label = !find_objects(session, cls, uri.object, std::nullopt).empty();
        bool by_id = uri.id && !find_objects(session, cls, std::nullopt, uri.id).empty();
        if (by_label || by_id)
            throw Error(Errc::AlreadyExists,
                        std::string("a key with ") +
                            (by_label ? "label '" + *uri.object + "'" : "id " + hex(*uri.id)) +
                            " is already on token '" + session.token().label +
                            "'; keys are never replaced");
    }
}

void require_mechanism(Session& session, unsigned long mechanism, std::string_view name,
                       unsigned long bits, keystore::KeyType type) {
    auto sizes = session.key_sizes(mechanism);
    if (!sizes)
        throw Error(Errc::Unsupported,
                    "token '" + session.token().label + "' has no " + std::string(name));
    // EC sizes are in bits of the field for most tokens; RSA sizes are modulus bits.
    if (bits < sizes->first || bits > sizes->second)
        throw Error(Errc::Unsupported, "token '" + session.token().label + "' cannot make " +
                                           std::string(keystore::to_string(type)) + " keys (" +
                                           std::string(name) + " sizes " +
                                           std::to_string(sizes->first) + ".." +
                                           std::to_string(sizes->second) + ")");
}

// Encryption is left out of the generation template: tpm2-pkcs11 fails C_GenerateKeyPair
// (CKR_GENERAL_ERROR, "User specified and TPM specified attr mismatch") when told CKA_DECRYPT or
// CKA_ENCRYPT is false. A module that made the key able to decrypt (SoftHSM's default for RSA)
// is asked afterwards to take that back, where it lets us.
void restrict_to_signing(Session& session, ObjectHandle private_key, ObjectHandle public_key) {
    if (session.flag(private_key, CKA_DECRYPT) == true)
        session.set_flag(private_key, CKA_DECRYPT, false);
    if (session.flag(public_key, CKA_ENCRYPT) == true)
        session.set_flag(public_key, CKA_ENCRYPT, false);
}

}  // namespace

KeyObject generate_key(Session& session, const Pkcs11Uri& uri, keystore::KeyType type) {
    if (!uri.object)
        throw Error(Errc::InvalidUri,
                    "generating a PKCS#11 key needs object=LABEL in the URI (the CKA_LABEL)");
    if (uri.type && *uri.type != "private")
        throw Error(Errc::InvalidUri,
                    "the PKCS#11 URI has type=" + *uri.type + ": keys are made as type=private");
    if (session.token().write_protected)
        throw Error(Errc::DeviceFailure, "PKCS#11 token '" + session.token().label +
                                             "' is write-protected: no key can be made on it");
    refuse_existing(session, uri);

    Bytes id = uri.id.value_or(Bytes(16));
    if (!uri.id && RAND_bytes(id.data(), static_cast<int>(id.size())) != 1)
        throw_openssl("cannot draw a random CKA_ID");

    Template pub{
        Attribute::flag(CKA_TOKEN, true),
        Attribute::flag(CKA_PRIVATE, false),
        Attribute::flag(CKA_VERIFY, true),
        Attribute::flag(CKA_WRAP, false),
        Attribute::bytes(CKA_LABEL, as_bytes(*uri.object)),
        Attribute::bytes(CKA_ID, id),
    };
    Template priv{
        Attribute::flag(CKA_TOKEN, true),     Attribute::flag(CKA_PRIVATE, true),
        Attribute::flag(CKA_SENSITIVE, true), Attribute::flag(CKA_EXTRACTABLE, false),
        Attribute::flag(CKA_SIGN, true),      Attribute::flag(CKA_UNWRAP, false),
        Attribute::flag(CKA_DERIVE, false),   Attribute::bytes(CKA_LABEL, as_bytes(*uri.object)),
        Attribute::bytes(CKA_ID, id),
    };
    unsigned long mechanism;
    if (keystore::is_ec(type)) {
        mechanism = CKM_EC_KEY_PAIR_GEN;
        require_mechanism(session, mechanism, "CKM_EC_KEY_PAIR_GEN",
                          keystore::ec_field_size(type) * 8, type);
        pub.push_back(Attribute::bytes(CKA_EC_PARAMS, ec_params(type)));
    } else {
        mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
        require_mechanism(session, mechanism, "CKM_RSA_PKCS_KEY_PAIR_GEN", keystore::rsa_bits(type),
                          type);
        pub.push_back(Attribute::number(CKA_MODULUS_BITS, keystore::rsa_bits(type)));
        pub.push_back(Attribute::bytes(CKA_PUBLIC_EXPONENT, Bytes{0x01, 0x00, 0x01}));
    }
    auto [pub_handle, priv_handle] = session.generate_key_pair(mechanism, pub, priv);
    restrict_to_signing(session, priv_handle, pub_handle);
    return {priv_handle, *uri.object, id, type};
}

}  // namespace hwacme::pkcs11
