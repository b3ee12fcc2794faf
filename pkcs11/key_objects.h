#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/c_handle.h"
#include "keystore/key_type.h"
#include "pkcs11/session.h"

namespace hwacme::pkcs11 {

/// A private key on a token, as the URI found it (its public half: public_half.h).
struct KeyObject {
    ObjectHandle private_key = 0;
    std::string label;
    Bytes id;
    keystore::KeyType type{};
    bool pin_per_signature = false;  ///< CKA_ALWAYS_AUTHENTICATE
};

/// Objects of class `object_class` (CKO_*) with the given label and/or id (either may be absent).
std::vector<ObjectHandle> find_objects(Session& session, unsigned long object_class,
                                       const std::optional<std::string>& label,
                                       const std::optional<Bytes>& id);

/// The private key the URI's object/id names. Error{InvalidUri} when the URI names neither or
/// another type; Error{NotFound} when no private key matches; Error{InvalidUri} asking for an
/// id when several do; Error{Unsupported} for a key type or size this client does not sign with.
KeyObject find_key(Session& session, const Pkcs11Uri& uri);

/// Reads CKA_KEY_TYPE and CKA_EC_PARAMS / CKA_MODULUS of a key object.
keystore::KeyType read_key_type(Session& session, ObjectHandle key);

/// The custody attributes of a private key (PKCS#11 2.40 §4.9); nullopt when the token does not
/// report one.
struct Custody {
    std::optional<bool> sensitive;          ///< CKA_SENSITIVE
    std::optional<bool> extractable;        ///< CKA_EXTRACTABLE
    std::optional<bool> always_sensitive;   ///< CKA_ALWAYS_SENSITIVE
    std::optional<bool> never_extractable;  ///< CKA_NEVER_EXTRACTABLE
    std::optional<bool> local;              ///< CKA_LOCAL: generated on the token

    /// The attributes that let the key leave (or show it was outside) the token, e.g.
    /// "CKA_EXTRACTABLE is TRUE, CKA_NEVER_EXTRACTABLE is FALSE"; empty for a bound key.
    std::string problems() const;
};
Custody read_custody(Session& session, ObjectHandle private_key);

/// The custody facts and identity of a key as "name: value" lines for `hwacme key show`.
std::vector<std::pair<std::string, std::string>> describe_key(Session& session,
                                                              const KeyObject& key);

}  // namespace hwacme::pkcs11
