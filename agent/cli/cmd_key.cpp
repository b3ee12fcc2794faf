#include <algorithm>
#include <iostream>
#include <memory>

#include "agent/cli/command.h"
#include "agent/jose/jwk.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::cli {
namespace {

struct KeyArgs {
    std::string uri;
    keystore::KeyType type = keystore::KeyType::EcP256;
};

std::unique_ptr<keystore::Keystore> open_store(const service::RunOptions& global,
                                               const keystore::KeyUri& uri) {
    return service::make_registry().open_keystore(uri, global.keystore_options());
}

void run_generate(const service::RunOptions& global, const KeyArgs& args) {
    auto uri = keystore::KeyUri::parse(args.uri);
    auto store = open_store(global, uri);
    auto key = store->generate(uri, args.type);
    std::cout << key->uri() << " " << keystore::to_string(key->type()) << "\n";
}

void run_list(const service::RunOptions& global, const KeyArgs& args) {
    auto uri = keystore::KeyUri::parse(args.uri);
    for (const auto& info : open_store(global, uri)->list(uri)) {
        std::cout << info.uri << "\t"
                  << (info.type ? std::string(keystore::to_string(*info.type)) : "?") << "\t"
                  << info.description << "\n";
    }
}

void run_show(const service::RunOptions& global, const KeyArgs& args) {
    auto uri = keystore::KeyUri::parse(args.uri);
    auto store = open_store(global, uri);
    // The facts come first: they matter most for a key its custody check refuses to use.
    auto facts = store->describe(uri);
    if (std::none_of(facts.begin(), facts.end(), [](const auto& f) { return f.first == "uri"; }))
        std::cout << "uri: " << uri.str() << "\n";
    for (const auto& [name, value] : facts)
        std::cout << name << ": " << log::printable(value) << "\n";
    try {
        auto key = store->open(uri);
        std::cout << "jwk thumbprint: " << jose::jwk_thumbprint(key->public_key().get()) << "\n";
    } catch (const Error& e) {
        if (e.code() != Errc::Custody) throw;
        std::cout << "usable: no (" << e.what() << "; --allow-extractable accepts it)\n";
    }
}

void run_delete(const service::RunOptions& global, const KeyArgs& args) {
    auto uri = keystore::KeyUri::parse(args.uri);
    open_store(global, uri)->remove(uri);
    std::cout << "deleted " << args.uri << "\n";
}

void add_verb(CLI::App& key, service::RunOptions& global, Commands& commands,
              const std::string& name, const std::string& help,
              void (*run)(const service::RunOptions&, const KeyArgs&), bool with_type = false) {
    auto args = std::make_shared<KeyArgs>();
    auto* verb = key.add_subcommand(name, help);
    verb->add_option("uri", args->uri, "key URI (file:, pkcs11:, tpm2:)")->required();
    if (with_type) add_key_type_option(*verb, "--type", args->type, "the key");
    commands.push_back({verb, [&global, args, run] { run(global, *args); }});
}

}  // namespace

CLI::Option* add_key_type_option(CLI::App& app, const std::string& name, keystore::KeyType& type,
                                 const std::string& what) {
    auto parse = [&type, name](const std::string& text) {
        auto parsed = keystore::parse_key_type(text);
        if (!parsed)
            throw CLI::ValidationError(name, "unknown key type '" + text +
                                                 "' (known: " + keystore::key_type_names() + ")");
        type = *parsed;
    };
    return app
        .add_option_function<std::string>(
            name, parse,
            "type of " + what + ": " + keystore::key_type_names() + " (default ec-p256)")
        ->type_name("TYPE");
}

void add_key_commands(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto* key = app.add_subcommand("key", "generate, list, show and delete keys in their stores");
    key->require_subcommand(1);
    add_verb(*key, global, commands, "generate", "generate a key inside its store", run_generate,
             true);
    add_verb(*key, global, commands, "list", "list the keys of a folder, token or TPM", run_list);
    add_verb(*key, global, commands, "show", "print a key's type, thumbprint and custody facts",
             run_show);
    add_verb(*key, global, commands, "delete", "destroy a key in its store", run_delete);
}

}  // namespace hwacme::cli
