#include "agent/service/account_actions.h"

#include "agent/custody/custody_connection.h"
#include "agent/custody/remote_key_change.h"
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

namespace {

custody::KeySpec new_key_spec(const keystore::KeyUri& new_key, keystore::KeyType type) {
    return {new_key, type, true};
}

}  // namespace

CustodyPlan rollover_custody_plan(const RunOptions& options, const keystore::KeyUri& new_key,
                                  keystore::KeyType type) {
    auto plan = account_custody_plan(options, {});
    plan.keys.new_account_key = new_key_spec(new_key, type);
    plan.policy.operations.insert(custody::Operation::KeyChange);
    return plan;
}

Rollover roll_over_account_key(const RunOptions& options, const keystore::KeyUri& new_key,
                               keystore::KeyType type) {
    SignedInAccount account(options, std::nullopt,
                            {.new_account_key = new_key_spec(new_key, type)});
    const auto& key = account.context.keys->key(custody::KeyRole::NewAccountKey);
    std::unique_ptr<acme::KeyChangeSigner> change;
    if (const auto* custody = custody::network_client())
        change = std::make_unique<custody::RemoteKeyChange>(*custody);
    else
        change = std::make_unique<acme::NewKeyChange>(key.requests);
    acme::change_account_key(account.session, *change);
    auto& state = account.active.state;
    Rollover result{state.account_url, state.account_key_uri, key.uri};
    state.account_key_uri = key.uri;
    save_account_state(options.state_path(), state);
    return result;
}

}  // namespace hwacme::service
