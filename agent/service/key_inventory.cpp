#include "agent/service/key_inventory.h"

#include "agent/jose/jwk.h"
#include "common/error.h"
#include "keystore/keystore_ability.h"
#include "keystore/public_key_text.h"
#include "keystore/registry.h"

namespace hwacme::service {
namespace {

std::unique_ptr<keystore::Keystore> open_store(const RunOptions& options,
                                               const keystore::KeyUri& uri) {
    return make_registry().open_keystore(uri, options.keystore_options());
}

std::vector<std::pair<std::string, std::string>> describe(keystore::Keystore& store,
                                                          const keystore::KeyUri& uri) {
    return keystore::require_ability(store.custody_description(), uri, "describe its keys")
        .describe(uri);
}

}  // namespace

std::pair<std::string, keystore::KeyType> generate_key(const RunOptions& options,
                                                       const keystore::KeyUri& uri,
                                                       keystore::KeyType type) {
    auto key = open_store(options, uri)->generate(uri, type);
    return {key->uri(), key->type()};
}

std::vector<keystore::KeyInfo> list_keys(const RunOptions& options, const keystore::KeyUri& scope) {
    auto store = open_store(options, scope);
    return keystore::require_ability(store->listing(), scope, "list keys").list(scope);
}

KeyReport report_key(const RunOptions& options, const keystore::KeyUri& uri) {
    auto store = open_store(options, uri);
    KeyReport report;
    report.uri = uri.str();
    for (auto& [name, value] : describe(*store, uri)) {
        if (name == "uri")
            report.uri = value;
        else
            report.facts.emplace_back(std::move(name), std::move(value));
    }
    try {
        auto key = store->open(uri);
        report.type = keystore::to_string(key->type());
        report.jwk_thumbprint = jose::jwk_thumbprint(key->public_key().get());
        report.spki_sha256 = keystore::spki_sha256_hex(*key);
        report.public_key_pem = keystore::public_key_pem(*key);
    } catch (const Error& e) {
        if (e.code() != Errc::Custody) throw;
        report.refused = e.what();
    }
    return report;
}

std::vector<std::pair<std::string, std::string>> custody_facts(const RunOptions& options,
                                                               const std::string& uri) {
    try {
        auto parsed = keystore::KeyUri::parse(uri);
        return describe(*open_store(options, parsed), parsed);
    } catch (const Error& e) {
        return {{"error", e.what()}};
    }
}

void delete_key(const RunOptions& options, const keystore::KeyUri& uri) {
    auto store = open_store(options, uri);
    keystore::require_ability(store->removal(), uri, "destroy keys").remove(uri);
}

}  // namespace hwacme::service
