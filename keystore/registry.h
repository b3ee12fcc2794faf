#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "keystore/keystore.h"

namespace hwacme::keystore {

/// Opens the keystore a URI lives in.
using KeystoreFactory =
    std::function<std::unique_ptr<Keystore>(const KeyUri& uri, const KeystoreOptions& options)>;

/// Scheme → backend. Backends are added explicitly by register_backends() (static
/// self-registration is silently dropped by linkers).
class Registry {
public:
    void add(std::string scheme, KeystoreFactory factory);
    /// Error{InvalidUri} for a scheme no backend serves.
    std::unique_ptr<Keystore> open_keystore(const KeyUri& uri,
                                            const KeystoreOptions& options = {}) const;

private:
    std::map<std::string, KeystoreFactory, std::less<>> factories_;
};

/// A key together with the keystore that owns its device connection; keeps both alive.
struct OpenedKey {
    std::unique_ptr<Keystore> store;
    std::unique_ptr<Key> key;
    bool generated = false;  ///< true when open_or_generate() made it
    const Key& operator*() const { return *key; }
    const Key* operator->() const { return key.get(); }
};

/// Opens the key at `uri`; Error{NotFound} when absent.
OpenedKey open_key(const Registry& registry, const KeyUri& uri, const KeystoreOptions& options);

/// Opens the key at `uri`, or generates one of `type` there when none exists.
/// An existing key of another type is used as it is (its type wins), and the caller is told by
/// OpenedKey::key->type().
OpenedKey open_or_generate_key(const Registry& registry, const KeyUri& uri, KeyType type,
                               const KeystoreOptions& options);

}  // namespace hwacme::keystore
