#include "agent/service/account_actions.h"

#include "agent/signing/key_signer.h"
#include "common/log.h"

namespace hwacme::service {

AccountState register_account(const RunOptions& options, const AccountRequest& request) {
    AccountRequest always = request;
    always.register_always = true;
    AcmeContext context(options, {.account = account_key_spec(options, always)});
    return resolve_account(context, always).state;
}

CustodyPlan account_custody_plan(const RunOptions& options, const AccountRequest& request) {
    CustodyPlan plan{.keys = {.account = account_key_spec(options, request)},
                     .policy = {.directory_url = options.server},
                     .output_folders = {options.state_path()}};
    bind_account_in_custody(request, plan);
    return plan;
}

AccountView show_account(const RunOptions& options, const std::optional<std::string>& account_key) {
    SignedInAccount account(options, account_key);
    return {acme::fetch_account(account.session), account.active.state.account_key_uri};
}

AccountView update_account_contacts(const RunOptions& options,
                                    const std::vector<std::string>& emails) {
    SignedInAccount account(options, std::nullopt);
    auto updated = acme::update_account_contacts(account.session, emails);
    account.active.state.contacts = updated.contacts;
    save_account_state(options.state_path(), account.active.state);
    return {updated, account.active.state.account_key_uri};
}

AccountView deactivate_account(const RunOptions& options) {
    SignedInAccount account(options, std::nullopt);
    auto deactivated = acme::deactivate_account(account.session);
    remove_account_state(options.state_path(), options.server);
    return {deactivated, account.active.state.account_key_uri};
}

Rollover roll_over_account_key(const RunOptions& options, const keystore::KeyUri& new_key,
                               keystore::KeyType type) {
    SignedInAccount account(options, std::nullopt);
    auto key = keystore::open_or_generate_key(account.context.registry, new_key, type,
                                              options.keystore_options());
    if (key.generated)
        log::info("generated the new account key " + key->uri() + " (" +
                  std::string(keystore::to_string(key->type())) + ")");
    acme::change_account_key(account.session, signing::KeySigner(*key));
    auto& state = account.active.state;
    Rollover result{state.account_url, state.account_key_uri, key->uri()};
    state.account_key_uri = key->uri();
    save_account_state(options.state_path(), state);
    return result;
}

}  // namespace hwacme::service
