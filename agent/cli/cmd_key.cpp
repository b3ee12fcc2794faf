#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include "agent/cli/command.h"
#include "agent/service/key_inventory.h"
#include "common/log.h"

namespace hwacme::cli {
namespace {

struct KeyArgs {
    std::string uri;
    keystore::KeyType type = keystore::KeyType::EcP256;
    bool json = false;
};

boost::json::value string_or_null(const std::string& text) {
    return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
}

void run_generate(const service::RunOptions& global, const KeyArgs& args) {
    auto [uri, type] = service::generate_key(global, keystore::KeyUri::parse(args.uri), args.type);
    std::cout << uri << " " << keystore::to_string(type) << "\n";
}

void run_list(const service::RunOptions& global, const KeyArgs& args) {
    auto keys = service::list_keys(global, keystore::KeyUri::parse(args.uri));
    if (args.json) {
        boost::json::array out;
        for (const auto& info : keys)
            out.push_back({{"uri", info.uri},
                           {"type", info.type ? boost::json::value(keystore::to_string(*info.type))
                                              : boost::json::value(nullptr)},
                           {"description", info.description}});
        std::cout << boost::json::serialize(boost::json::object{{"keys", out}}) << "\n";
        return;
    }
    for (const auto& info : keys) {
        std::cout << info.uri << "\t"
                  << (info.type ? std::string(keystore::to_string(*info.type)) : "?") << "\t"
                  << info.description << "\n";
    }
}

void print_report_json(const service::KeyReport& report) {
    boost::json::object facts;
    for (const auto& [name, value] : report.facts) facts[name] = value;
    boost::json::object out{{"uri", report.uri},
                            {"facts", facts},
                            {"usable", !report.refused},
                            {"refused", report.refused ? boost::json::value(*report.refused)
                                                       : boost::json::value(nullptr)},
                            {"type", string_or_null(report.type)},
                            {"jwk_thumbprint", string_or_null(report.jwk_thumbprint)},
                            {"spki_sha256", string_or_null(report.spki_sha256)},
                            {"public_key_pem", string_or_null(report.public_key_pem)}};
    std::cout << boost::json::serialize(out) << "\n";
}

void print_report_text(const service::KeyReport& report) {
    // The facts come first: they matter most for a key its custody check refuses to use.
    std::cout << "uri: " << log::printable(report.uri) << "\n";
    for (const auto& [name, value] : report.facts)
        std::cout << name << ": " << log::printable(value) << "\n";
    if (report.refused) {
        std::cout << "usable: no (" << *report.refused << "; --allow-extractable accepts it)\n";
        return;
    }
    std::cout << "jwk thumbprint: " << report.jwk_thumbprint << "\n"
              << "spki sha256: " << report.spki_sha256 << "\n"
              << report.public_key_pem;
}

void run_show(const service::RunOptions& global, const KeyArgs& args) {
    auto report = service::report_key(global, keystore::KeyUri::parse(args.uri));
    if (args.json)
        print_report_json(report);
    else
        print_report_text(report);
}

void run_delete(const service::RunOptions& global, const KeyArgs& args) {
    service::delete_key(global, keystore::KeyUri::parse(args.uri));
    std::cout << "deleted " << args.uri << "\n";
}

void add_verb(CLI::App& key, service::RunOptions& global, Commands& commands,
              const std::string& name, const std::string& help,
              void (*run)(const service::RunOptions&, const KeyArgs&), bool with_type = false,
              bool with_json = false) {
    auto args = std::make_shared<KeyArgs>();
    auto* verb = key.add_subcommand(name, help);
    verb->add_option("uri", args->uri, "key URI (file:, pkcs11:, tpm2:)")->required();
    if (with_type) add_key_type_option(*verb, "--type", args->type, "the key");
    if (with_json) verb->add_flag("--json", args->json, "print one JSON object on stdout");
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
    add_verb(*key, global, commands, "list", "list the keys of a folder, token or TPM", run_list,
             false, true);
    add_verb(*key, global, commands, "show",
             "print a key's custody facts, type, thumbprint, public key (PEM) and the SHA-256 of "
             "its SubjectPublicKeyInfo",
             run_show, false, true);
    add_verb(*key, global, commands, "delete", "destroy a key in its store", run_delete);
}

}  // namespace hwacme::cli
