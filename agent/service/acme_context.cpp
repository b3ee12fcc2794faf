#include "agent/service/acme_context.h"
#include "agent/signing/key_signer.h"

#include "common/error.h"
#include "common/log.h"

namespace hwacme::service {

AcmeContext::AcmeContext(const RunOptions& global_options)
    : global(global_options),
      registry(make_registry()),
      http(global_options.http_options()),
      acme(http, global_options.server) {}

ActiveAccount resolve_account(AcmeContext& context, const AccountRequest& request) {
    const auto& global = context.global;
    auto state_dir = global.state_path();
    auto saved = load_account_state(state_dir, global.server);
    std::string key_uri = request.account_key_uri.value_or(saved ? saved->account_key_uri : "");
    if (key_uri.empty())
        throw Error(Errc::NotFound,
                    "no account for " + global.server + " in " + state_dir.string() +
                        ": run 'hwacme account register --account-key URI --agree-tos'");

    bool same_key = saved && saved->account_key_uri == key_uri;
    bool must_register = request.register_always || !same_key;
    auto uri = keystore::KeyUri::parse(key_uri);
    // Reach the CA before a key is generated for it: an unreachable CA must leave nothing behind.
    if (must_register) context.acme.directory();
    // A key is generated only for a registration; looking an account up must not invent one.
    bool may_generate = request.register_always || request.agree_tos;
    keystore::OpenedKey key =
        may_generate ? keystore::open_or_generate_key(context.registry, uri, request.key_type,
                                                      global.keystore_options())
                     : keystore::open_key(context.registry, uri, global.keystore_options());
    if (key.generated)
        log::info("generated account key " + key->uri() + " (" +
                  std::string(keystore::to_string(key->type())) + ")");
    auto signer = std::make_unique<signing::KeySigner>(*key);
    if (!must_register) return {std::move(key), *saved, std::move(signer)};

    acme::Account account;
    if (request.agree_tos || !request.emails.empty() || request.register_always) {
        account = acme::register_account(context.acme, *signer, request.emails, request.agree_tos,
                                         request.eab);
    } else if (auto found = acme::find_account(context.acme, *signer)) {
        account = *found;
    } else {
        throw Error(Errc::NotFound, "the CA at " + global.server + " has no account for key " +
                                        key->uri() + ": add --agree-tos to register one");
    }
    AccountState state{global.server, account.url, key->uri(), account.contacts};
    save_account_state(state_dir, state);
    log::info("account " + account.url + " (" + account.status + ") saved in " +
              account_state_path(state_dir, global.server).string());
    return {std::move(key), std::move(state), std::move(signer)};
}

SignedInAccount::SignedInAccount(const RunOptions& options,
                                 const std::optional<std::string>& account_key)
    : context(options),
      active(resolve_account(context, {.account_key_uri = account_key})),
      session(context.acme, *active.signer, active.state.account_url) {}

}  // namespace hwacme::service
