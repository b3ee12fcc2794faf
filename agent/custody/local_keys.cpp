#include "agent/custody/local_keys.h"

#include "common/error.h"
#include "common/log.h"
#include "keystore/keystore_ability.h"

namespace hwacme::custody {

/// One key opened in its store, the signer over it, and what the ACME code is shown of it.
struct LocalKeys::Opened {
    explicit Opened(keystore::OpenedKey opened)
        : key(std::move(opened)),
          signer(*key),
          held{key->uri(), key.generated, std::string(keystore::to_string(key->type())), signer,
               signer} {}

    keystore::OpenedKey key;
    signing::KeySigner signer;
    HeldKey held;
};

const char* role_name(KeyRole role) {
    switch (role) {
        case KeyRole::Account:
            return "the account key";
        case KeyRole::Certificate:
            return "the certificate key";
        case KeyRole::NewAccountKey:
            return "the new account key";
    }
    return "an unknown key";
}

LocalKeys::LocalKeys(keystore::Registry registry, KeyPlan plan, keystore::KeystoreOptions options)
    : registry_(std::move(registry)), plan_(std::move(plan)), options_(std::move(options)) {}

LocalKeys::~LocalKeys() = default;

const HeldKey& LocalKeys::key(KeyRole role) {
    if (auto found = opened_.find(role); found != opened_.end()) return found->second->held;
    const auto& spec = role == KeyRole::Account       ? plan_.account
                       : role == KeyRole::Certificate ? plan_.certificate
                                                      : plan_.new_account_key;
    if (!spec)
        throw Error(Errc::Custody,
                    std::string("key custody refused: this run holds no ") + role_name(role));
    return open(role, *spec);
}

const HeldKey& LocalKeys::open(KeyRole role, const KeySpec& spec) {
    auto key = spec.may_generate
                   ? keystore::open_or_generate_key(registry_, spec.uri, spec.type, options_)
                   : keystore::open_key(registry_, spec.uri, options_);
    if (key.generated)
        log::info(std::string("generated ") +
                  (role == KeyRole::Account       ? "account key "
                   : role == KeyRole::Certificate ? "certificate key "
                                                  : "the new account key ") +
                  key->uri() + " (" + std::string(keystore::to_string(key->type())) + ")");
    auto& opened = opened_[role] = std::make_unique<Opened>(std::move(key));
    return opened->held;
}

const HeldKey& LocalKeys::select_certificate(const std::string&, std::uint32_t,
                                             const KeySpec& spec) {
    opened_.erase(KeyRole::Certificate);
    plan_.certificate = spec;
    return open(KeyRole::Certificate, spec);
}

void LocalKeys::destroy_key(const std::string&, const std::string& key_uri) {
    auto uri = keystore::KeyUri::parse(key_uri);
    // A key the run holds is closed before it is destroyed (a token may refuse to destroy an
    // object a session of its own still uses), and its role is left empty: nothing may open,
    // or generate, it again in this run.
    for (auto role : {KeyRole::Account, KeyRole::Certificate, KeyRole::NewAccountKey}) {
        auto& spec = role == KeyRole::Account       ? plan_.account
                     : role == KeyRole::Certificate ? plan_.certificate
                                                    : plan_.new_account_key;
        if (!spec || !(spec->uri == uri)) continue;
        opened_.erase(role);
        spec.reset();
    }
    auto store = registry_.open_keystore(uri, options_);
    try {
        keystore::require_ability(store->removal(), uri, "destroy keys").remove(uri);
    } catch (const Error& e) {
        if (e.code() != Errc::NotFound) throw;
    }
}

void LocalKeys::store_certificate(X509* certificate) {
    key(KeyRole::Certificate);
    const auto& opened = *opened_.at(KeyRole::Certificate);
    auto* storage = opened.key.store->certificate_storage();
    if (!storage)
        throw Error(Errc::Unsupported,
                    "the store of " + opened.key->uri() + " keeps no certificates");
    // The keystore's own session: no second login.
    storage->store_certificate(*opened.key, certificate);
    log::info("stored the certificate in the token beside " + opened.key->uri());
}

}  // namespace hwacme::custody
