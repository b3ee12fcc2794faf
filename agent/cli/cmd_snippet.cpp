// `hwacme snippet`: prints what service::server_snippet writes for the web server asked.
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "agent/cli/command.h"
#include "agent/service/server_snippet.h"

namespace hwacme::cli {

void add_snippet_command(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto args = std::make_shared<service::SnippetRequest>();
    auto* snippet = app.add_subcommand(
        "snippet",
        "print the web-server lines that serve a certificate with its key (what the example "
        "deploy hooks write) and the server-wide settings that key needs");
    const std::map<std::string, service::WebServer> servers{
        {"nginx", service::WebServer::Nginx},
        {"apache", service::WebServer::Apache},
        {"haproxy", service::WebServer::Haproxy}};
    snippet
        ->add_option_function<std::string>(
            "--web-server",
            [args, servers](const std::string& name) { args->server = servers.at(name); },
            "nginx, apache or haproxy")
        ->required()
        ->check(CLI::IsMember({"nginx", "apache", "haproxy"}));
    // Exactly one source: a managed certificate, or a key URI with its chain file.
    auto* source = snippet->add_option_group("source", "the certificate to serve");
    source->add_option("--cert", args->cert_name,
                       "a managed certificate of the configuration (--config): its live release");
    auto* key = source->add_option("--key", args->key_uri, "key URI (with --fullchain)");
    source->require_option(1);
    auto* fullchain = snippet->add_option("--fullchain", args->fullchain,
                                          "PEM file of the certificate and its chain (with --key)");
    key->needs(fullchain);
    fullchain->needs(key);
    snippet->add_option("--pin-source", args->pin_source,
                        "pin-source for pkcs11: keys whose URI names none, e.g. "
                        "file:/etc/hwacme/pkcs11-pin (a path; never the PIN)");
    commands.push_back(
        {snippet, [&global, args] { std::cout << service::server_snippet(global, *args); }});
}

}  // namespace hwacme::cli
