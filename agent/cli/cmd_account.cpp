#include <boost/json.hpp>
#include <iostream>

#include "agent/cli/command.h"
#include "agent/cli/eab_options.h"
#include "agent/service/account_actions.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::cli {
namespace {

struct AccountArgs {
    std::string account_key;
    std::vector<std::string> emails;
    bool agree_tos = false;
    keystore::KeyType key_type = keystore::KeyType::EcP256;
    bool json = false;
    bool confirmed = false;
    std::string new_key;
    EabOptions eab;
};

void print_account(const acme::Account& account, const std::string& key_uri, bool json) {
    if (json) {
        boost::json::object out{
            {"account_url", account.url},
            {"status", account.status},
            {"contacts", boost::json::array(account.contacts.begin(), account.contacts.end())},
            {"orders", account.orders},
            {"account_key", key_uri}};
        std::cout << boost::json::serialize(out) << "\n";
        return;
    }
    std::cout << "account: " << account.url << "\n"
              << "status: " << log::printable(account.status) << "\n";
    for (const auto& contact : account.contacts)
        std::cout << "contact: " << log::printable(contact) << "\n";
    if (!account.orders.empty()) std::cout << "orders: " << account.orders << "\n";
    std::cout << "account key: " << key_uri << "\n";
}

std::optional<std::string> given(const std::string& option) {
    if (option.empty()) return std::nullopt;
    return option;
}

void run_register(const service::RunOptions& global, const AccountArgs& args) {
    auto account = service::register_account(global, {.account_key_uri = args.account_key,
                                                      .emails = args.emails,
                                                      .agree_tos = args.agree_tos,
                                                      .key_type = args.key_type,
                                                      .register_always = true,
                                                      .eab = args.eab.source()});
    std::cout << "account: " << account.account_url << "\n"
              << "account key: " << account.account_key_uri << "\n";
}

service::CustodyPlan register_plan(const service::RunOptions& global, const AccountArgs& args) {
    return service::account_custody_plan(global, {.account_key_uri = args.account_key,
                                                  .agree_tos = args.agree_tos,
                                                  .key_type = args.key_type,
                                                  .register_always = true,
                                                  .eab = args.eab.source()});
}

service::CustodyPlan show_plan(const service::RunOptions& global, const AccountArgs& args) {
    return service::account_custody_plan(global, {.account_key_uri = given(args.account_key)});
}

service::CustodyPlan rollover_plan(const service::RunOptions& global, const AccountArgs& args) {
    return service::rollover_custody_plan(global, keystore::KeyUri::parse(args.new_key),
                                          args.key_type);
}

service::CustodyPlan saved_account_plan(const service::RunOptions& global, const AccountArgs&) {
    return service::account_custody_plan(global, {});
}

void run_show(const service::RunOptions& global, const AccountArgs& args) {
    auto view = service::show_account(global, given(args.account_key));
    print_account(view.account, view.account_key_uri, args.json);
}

void run_update(const service::RunOptions& global, const AccountArgs& args) {
    auto view = service::update_account_contacts(global, args.emails);
    print_account(view.account, view.account_key_uri, args.json);
}

void run_deactivate(const service::RunOptions& global, const AccountArgs& args) {
    if (!args.confirmed)
        throw Error(Errc::InvalidArgument,
                    "deactivating an account cannot be undone: add --yes to confirm");
    auto view = service::deactivate_account(global);
    std::cout << "account " << view.account.url << " is " << log::printable(view.account.status)
              << "; its key " << view.account_key_uri << " was not touched\n";
}

void run_rollover(const service::RunOptions& global, const AccountArgs& args) {
    auto rollover = service::roll_over_account_key(global, keystore::KeyUri::parse(args.new_key),
                                                   args.key_type);
    std::cout << "account " << rollover.account_url << " now answers to " << rollover.new_key_uri
              << "\nthe old key " << rollover.old_key_uri
              << " still exists: delete it with 'hwacme key delete' once nothing needs it\n";
}

using CustodyPlanOf = service::CustodyPlan (*)(const service::RunOptions&, const AccountArgs&);

/// `plan`: what the verb's key custody process holds; null runs it in one process.
CLI::App* add_verb(CLI::App& account, Commands& commands, const service::RunOptions& global,
                   const std::string& name, const std::string& help,
                   void (*run)(const service::RunOptions&, const AccountArgs&),
                   const std::shared_ptr<AccountArgs>& args, CustodyPlanOf plan) {
    auto* verb = account.add_subcommand(name, help);
    std::function<service::CustodyPlan()> custody;
    if (plan) custody = [&global, args, plan] { return plan(global, *args); };
    commands.push_back({verb, [&global, args, run] { run(global, *args); }, custody});
    return verb;
}

}  // namespace

void add_account_commands(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto* account = app.add_subcommand("account", "manage the ACME account at the CA");
    account->require_subcommand(1);
    const std::string key_help = "URI of the account key: file:/path.pem, pkcs11:…, tpm2:…";

    auto reg_args = std::make_shared<AccountArgs>();
    auto* reg = add_verb(*account, commands, global, "register",
                         "register an account for the key (or find the one the CA has for it) "
                         "and remember it; a key that does not exist yet is generated at the URI",
                         run_register, reg_args, register_plan);
    reg->add_option("--account-key", reg_args->account_key, key_help)->required();
    reg->add_option("--email", reg_args->emails, "contact e-mail address (repeatable)");
    reg->add_flag("--agree-tos", reg_args->agree_tos, "agree to the CA's terms of service");
    add_key_type_option(*reg, "--key-type", reg_args->key_type, "the account key");
    reg_args->eab.add_to(*reg);

    auto show_args = std::make_shared<AccountArgs>();
    auto* show = add_verb(*account, commands, global, "show",
                          "print the account as the CA has it; with --account-key, find the "
                          "account of that key and remember it (recovery after a lost state)",
                          run_show, show_args, show_plan);
    show->add_option("--account-key", show_args->account_key, key_help);
    show->add_flag("--json", show_args->json, "one JSON object on stdout");

    auto update_args = std::make_shared<AccountArgs>();
    auto* update = add_verb(*account, commands, global, "update",
                            "replace the account's contacts (no --email removes them all)",
                            run_update, update_args, saved_account_plan);
    update->add_option("--email", update_args->emails, "contact e-mail address (repeatable)");
    update->add_flag("--json", update_args->json, "one JSON object on stdout");

    auto deactivate_args = std::make_shared<AccountArgs>();
    auto* deactivate = add_verb(*account, commands, global, "deactivate",
                                "deactivate the account at the CA for good", run_deactivate,
                                deactivate_args, saved_account_plan);
    deactivate->add_flag("--yes", deactivate_args->confirmed, "confirm: this cannot be undone");

    auto rollover_args = std::make_shared<AccountArgs>();
    auto* rollover = add_verb(*account, commands, global, "rollover",
                              "move the account to a new key (generated at the URI if missing); "
                              "the old key is kept",
                              run_rollover, rollover_args, rollover_plan);
    rollover->add_option("--new-key", rollover_args->new_key, "URI of the new account key")
        ->required();
    add_key_type_option(*rollover, "--key-type", rollover_args->key_type, "the new key");
}

}  // namespace hwacme::cli
