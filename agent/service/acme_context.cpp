#include "agent/service/acme_context.h"

#include "agent/custody/custody_connection.h"
#include "agent/custody/local_keys.h"
#include "agent/custody/remote_account_binding.h"
#include "agent/custody/remote_keys.h"
#include "agent/service/network_confinement.h"

#include "common/error.h"
#include "common/log.h"

namespace hwacme::service {

std::unique_ptr<custody::RunKeys> make_run_keys(const RunOptions& options, custody::KeyPlan plan) {
    if (const auto* client = custody::network_client())
        return std::make_unique<custody::RemoteKeys>(*client);
    return std::make_unique<custody::LocalKeys>(make_registry(), std::move(plan),
                                                options.keystore_options());
}

AcmeContext::AcmeContext(const RunOptions& global_options, custody::KeyPlan plan)
    : confined((confine_network_process(global_options, {}), true)),
      global(global_options),
      http(global_options.http_options()),
      acme(http, global_options.server),
      keys(make_run_keys(global_options, std::move(plan))) {}

std::string account_key_uri(const RunOptions& options, const AccountRequest& request) {
    if (request.account_key_uri) return *request.account_key_uri;
    auto saved = load_account_state(options.state_path(), options.server);
    return saved ? saved->account_key_uri : "";
}

std::optional<custody::KeySpec> account_key_spec(const RunOptions& options,
                                                 const AccountRequest& request) {
    auto uri = account_key_uri(options, request);
    if (uri.empty()) return std::nullopt;
    // A key is generated only for a registration; looking an account up must not invent one.
    return custody::KeySpec{keystore::KeyUri::parse(uri), request.key_type,
                            request.register_always || request.agree_tos};
}

namespace {

/// The binding of a registration: made by key custody when it runs, else here with the MAC key,
/// which is read now, so that a key file that cannot be read costs no account key.
std::unique_ptr<acme::AccountBinding> account_binding(const std::optional<EabSource>& eab) {
    if (!eab) return nullptr;
    if (const auto* client = custody::network_client())
        return std::make_unique<custody::RemoteAccountBinding>(*client, eab->kid);
    return std::make_unique<acme::MacKeyBinding>(eab->load());
}

}  // namespace

void bind_account_in_custody(const AccountRequest& request, CustodyPlan& plan) {
    if (!request.eab) return;
    plan.duties.eab = request.eab->load();
    plan.policy.operations.insert(custody::Operation::ExternalAccountBinding);
}

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
    auto binding = must_register ? account_binding(request.eab) : nullptr;
    // Reach the CA before a key is generated for it: an unreachable CA must leave nothing behind.
    if (must_register) context.acme.directory();
    const auto& key = context.keys->key(custody::KeyRole::Account);
    if (!must_register) return {&key, *saved};

    acme::Account account;
    if (request.agree_tos || !request.emails.empty() || request.register_always) {
        account = acme::register_account(context.acme, key.requests, request.emails,
                                         request.agree_tos, binding.get());
    } else if (auto found = acme::find_account(context.acme, key.requests)) {
        account = *found;
    } else {
        throw Error(Errc::NotFound, "the CA at " + global.server + " has no account for key " +
                                        key.uri + ": add --agree-tos to register one");
    }
    AccountState state{global.server, account.url, key.uri, account.contacts};
    save_account_state(state_dir, state);
    log::info("account " + account.url + " (" + account.status + ") saved in " +
              account_state_path(state_dir, global.server).string());
    return {&key, std::move(state)};
}

namespace {

custody::KeyPlan with_account(custody::KeyPlan plan, std::optional<custody::KeySpec> account) {
    plan.account = std::move(account);
    return plan;
}

}  // namespace

SignedInAccount::SignedInAccount(const RunOptions& options,
                                 const std::optional<std::string>& account_key,
                                 custody::KeyPlan more)
    : context(options, with_account(std::move(more),
                                    account_key_spec(options, {.account_key_uri = account_key}))),
      active(resolve_account(context, {.account_key_uri = account_key})),
      session(context.acme, active.signer(), active.state.account_url) {}

}  // namespace hwacme::service
