#include "keystore/registry.h"

#include "common/error.h"

namespace hwacme::keystore {

void Registry::add(std::string scheme, KeystoreFactory factory) {
    factories_[std::move(scheme)] = std::move(factory);
}

std::unique_ptr<Keystore> Registry::open_keystore(const KeyUri& uri,
                                                  const KeystoreOptions& options) const {
    auto it = factories_.find(uri.scheme());
    if (it == factories_.end())
        throw Error(Errc::InvalidUri,
                    "no keystore backend serves the URI scheme '" + uri.scheme() + ":'");
    return it->second(uri, options);
}

OpenedKey open_key(const Registry& registry, const KeyUri& uri, const KeystoreOptions& options) {
    OpenedKey opened;
    opened.store = registry.open_keystore(uri, options);
    opened.key = opened.store->open(uri);
    return opened;
}

OpenedKey open_or_generate_key(const Registry& registry, const KeyUri& uri, KeyType type,
                               const KeystoreOptions& options) {
    OpenedKey opened;
    opened.store = registry.open_keystore(uri, options);
    try {
        opened.key = opened.store->open(uri);
    } catch (const Error& e) {
        if (e.code() != Errc::NotFound) throw;
        opened.key = opened.store->generate(uri, type);
        opened.generated = true;
    }
    return opened;
}

}  // namespace hwacme::keystore
