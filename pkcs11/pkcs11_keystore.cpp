#include "pkcs11/pkcs11_keystore.h"

#include "common/error.h"
#include "pkcs11/certificate_store.h"
#include "pkcs11/key_generation.h"
#include "pkcs11/token_key.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
namespace {

/// One token, one session, one login: the Keystore binds to the token its URI names when it is
/// opened, and every key it hands out signs on that session (the keys share ownership of it).
class Pkcs11Keystore final : public keystore::Keystore,
                             public keystore::KeyListing,
                             public keystore::KeyRemoval,
                             public keystore::CustodyDescription,
                             public keystore::CertificateStorage {
public:
    Pkcs11Keystore(const Pkcs11Uri& scope, const keystore::KeystoreOptions& options)
        : module_path_(scope.module_path), allow_extractable_(options.allow_extractable) {
        auto module = Module::load(scope.module_path);
        session_ = std::make_shared<Session>(module, module->select(scope.token));
    }

    std::unique_ptr<keystore::Key> open(const keystore::KeyUri& uri) override {
        Pkcs11Uri p = on_this_token(uri);
        KeyObject key = find_key(*session_, p);
        std::string problems = read_custody(*session_, key.private_key).problems();
        if (!problems.empty() && !allow_extractable_)
            throw Error(Errc::Custody, "PKCS#11 key '" + key.label + "' (id " + hex(key.id) +
                                           ") on token '" + token_label() +
                                           "' could leave the token: " + problems +
                                           " (accept with allow-extractable)");
        return make_key(p, std::move(key));
    }

    std::unique_ptr<keystore::Key> generate(const keystore::KeyUri& uri,
                                            keystore::KeyType type) override {
        Pkcs11Uri p = on_this_token(uri);
        return make_key(p, generate_key(*session_, p, type));
    }

    std::vector<keystore::KeyInfo> list(const keystore::KeyUri& uri) override {
        Pkcs11Uri p = on_this_token(uri);
        if (p.type && *p.type != "private" && *p.type != "cert")
            throw Error(Errc::InvalidUri,
                        "list shows keys (type=private) and certificates "
                        "(type=cert), not type=" +
                            *p.type);
        std::vector<keystore::KeyInfo> out;
        if (!p.type || *p.type == "private")
            for (ObjectHandle h : find_objects(*session_, CKO_PRIVATE_KEY, p.object, p.id))
                out.push_back(info(p, h, "private"));
        if (!p.type || *p.type == "cert")
            for (ObjectHandle h : find_objects(*session_, CKO_CERTIFICATE, p.object, p.id))
                out.push_back(info(p, h, "cert"));
        return out;
    }

    void remove(const keystore::KeyUri& uri) override {
        Pkcs11Uri p = on_this_token(uri);
        if (!p.object && !p.id)
            throw Error(Errc::InvalidUri, "removing a PKCS#11 key needs object= or id=");
        if (p.type && *p.type != "private")
            throw Error(Errc::InvalidUri,
                        "remove destroys key pairs (type=private), not type=" + *p.type);
        auto privates = find_objects(*session_, CKO_PRIVATE_KEY, p.object, p.id);
        if (privates.size() > 1)
            throw Error(Errc::InvalidUri, std::to_string(privates.size()) +
                                              " private keys match on token '" + token_label() +
                                              "': add id= to the URI");
        // The public half is the object with the private key's CKA_ID; certificates stay.
        std::optional<Bytes> id = p.id;
        if (!privates.empty() && !id) id = session_->attribute(privates.front(), CKA_ID);
        auto publics = find_objects(*session_, CKO_PUBLIC_KEY, id ? std::nullopt : p.object, id);
        if (privates.empty() && publics.empty())
            throw Error(Errc::NotFound, "no key " + p.describe_object() + " on token '" +
                                            token_label() + "' to remove");
        for (ObjectHandle h : privates) session_->destroy(h);
        for (ObjectHandle h : publics) session_->destroy(h);
    }

    std::vector<std::pair<std::string, std::string>> describe(
        const keystore::KeyUri& uri) override {
        Pkcs11Uri p = on_this_token(uri);
        KeyObject key = find_key(*session_, p);
        auto facts = describe_key(*session_, key);
        facts.insert(facts.begin(), {"uri", p.key_uri(token_label(), key.label, key.id)});
        return facts;
    }

    keystore::KeyListing* listing() override { return this; }
    keystore::KeyRemoval* removal() override { return this; }
    keystore::CustodyDescription* custody_description() override { return this; }
    keystore::CertificateStorage* certificate_storage() override { return this; }

    /// Through the key's own parsed location and the session it signs on: nothing is parsed or
    /// logged in again.
    void store_certificate(const keystore::Key& key, X509* certificate) override {
        const auto* token_key = dynamic_cast<const TokenKey*>(&key);
        if (!token_key || !token_key->shares_session(*session_))
            throw Error(Errc::InvalidArgument, "the key " + key.uri() +
                                                   " is not a key of the token '" + token_label() +
                                                   "' this store has open");
        pkcs11::store_certificate(*session_, token_key->object(), certificate);
    }

private:
    const std::string& token_label() const { return session_->token().label; }

    // Validates the URI, checks it names this keystore's token and module, and logs in (once).
    Pkcs11Uri on_this_token(const keystore::KeyUri& uri) {
        Pkcs11Uri p = Pkcs11Uri::parse(uri);
        if (!session_->token().matches(p.token) || p.module_path != module_path_)
            throw Error(Errc::InvalidArgument, "the URI names " + p.token.describe() + " in '" +
                                                   p.module_path +
                                                   "', but this keystore is open on token '" +
                                                   token_label() + "' in '" + module_path_ + "'");
        session_->login(p);
        return p;
    }

    std::unique_ptr<keystore::Key> make_key(const Pkcs11Uri& p, KeyObject key) {
        std::string uri = p.key_uri(token_label(), key.label, key.id);
        return std::make_unique<TokenKey>(session_, std::move(key), std::move(uri), p);
    }

    keystore::KeyInfo info(const Pkcs11Uri& p, ObjectHandle h, std::string_view type) {
        std::string label = to_string(session_->attribute(h, CKA_LABEL).value_or(Bytes{}));
        Bytes id = session_->attribute(h, CKA_ID).value_or(Bytes{});
        keystore::KeyInfo out{p.key_uri(token_label(), label, id, type), std::nullopt, {}};
        if (type == "private") {
            try {
                out.type = read_key_type(*session_, h);
            } catch (const Error& e) {
                if (e.code() != Errc::Unsupported) throw;
            }
        }
        out.description = std::string(type == "private" ? "private key" : "certificate") +
                          " token=" + token_label() + " label=" + label + " id=" + hex(id);
        return out;
    }

    std::string module_path_;
    bool allow_extractable_;
    std::shared_ptr<Session> session_;
};

}  // namespace

std::unique_ptr<keystore::Keystore> open_keystore(const keystore::KeyUri& uri,
                                                  const keystore::KeystoreOptions& options) {
    return std::make_unique<Pkcs11Keystore>(Pkcs11Uri::parse(uri), options);
}

}  // namespace hwacme::pkcs11
