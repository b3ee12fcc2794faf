#include "pkcs11/key_objects.h"

#include <algorithm>
#include <array>

#include "common/error.h"
#include "pkcs11/ec_params.h"
#include "pkcs11/public_half.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
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
    key.pin_per_signature = session.flag(key.private_key, CKA_ALWAYS_AUTHENTICATE).value_or(false);
    return key;
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
        {"pin per signature", key.pin_per_signature ? "yes" : "no"},
        {"public key from", read_public_key(session, key).source},
        {"custody", problems.empty() ? "bound to the token" : "can leave the token: " + problems},
    };
}

}  // namespace hwacme::pkcs11
