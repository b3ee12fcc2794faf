#include <iostream>

#include "agent/cli/acme_context.h"
#include "agent/cli/command.h"

namespace hwacme::cli {
namespace {

struct RegisterArgs {
    std::string account_key;
    AccountRequest request;
};

void run_register(const GlobalOptions& global, const RegisterArgs& args) {
    AcmeContext context(global);
    AccountRequest request = args.request;
    request.account_key_uri = args.account_key;
    request.register_always = true;
    auto account = resolve_account(context, request);
    std::cout << "account: " << account.state.account_url << "\n"
              << "account key: " << account.state.account_key_uri << "\n";
}

}  // namespace

void add_account_commands(CLI::App& app, GlobalOptions& global, Commands& commands) {
    auto* account = app.add_subcommand("account", "manage the ACME account at the CA");
    account->require_subcommand(1);

    auto args = std::make_shared<RegisterArgs>();
    auto* reg = account->add_subcommand(
        "register",
        "register an account for the key (or find the one the CA has for it) and remember it in "
        "the state folder; a key that does not exist yet is generated at the URI");
    reg->add_option("--account-key", args->account_key,
                    "URI of the account key: file:/path.pem, pkcs11:…, tpm2:…")
        ->required();
    reg->add_option("--email", args->request.emails, "contact e-mail address (repeatable)");
    reg->add_flag("--agree-tos", args->request.agree_tos, "agree to the CA's terms of service");
    add_key_type_option(*reg, "--key-type", args->request.key_type, "the account key");
    commands.push_back({reg, [&global, args] { run_register(global, *args); }});
}

}  // namespace hwacme::cli
