#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/cli/command.h"
#include "agent/config/config.h"
#include "common/log.h"

namespace hwacme::cli {
namespace {

std::string_view policy_name(config::KeyPolicy policy) {
    return policy == config::KeyPolicy::Rotate ? "rotate" : "reuse";
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + log::printable(item);
    return out;
}

boost::json::object certificate_json(const config::CertificateConfig& certificate) {
    return {{"name", certificate.name},
            {"identifiers",
             boost::json::array(certificate.identifiers.begin(), certificate.identifiers.end())},
            {"key_policy", policy_name(certificate.key_policy)},
            {"key", certificate.key_uri},
            {"key_type", keystore::to_string(certificate.key_type)},
            {"challenge", certificate.challenge.type},
            {"output_dir", certificate.output_dir.string()}};
}

void print_json(const std::string& path, const config::Config& config) {
    boost::json::array certificates;
    for (const auto& certificate : config.certificates)
        certificates.push_back(certificate_json(certificate));
    boost::json::object out{{"config", path},
                            {"ok", true},
                            {"ca", config.ca.directory_url},
                            {"account_key", config.ca.account_key_uri},
                            {"certificates", std::move(certificates)}};
    std::cout << boost::json::serialize(out) << "\n";
}

void print_text(const std::string& path, const config::Config& config) {
    std::cout << path << ": ok, " << config.certificates.size()
              << (config.certificates.size() == 1 ? " certificate" : " certificates") << "\n";
    for (const auto& certificate : config.certificates)
        std::cout << certificate.name << ": " << joined(certificate.identifiers) << "; key "
                  << policy_name(certificate.key_policy) << " "
                  << log::printable(certificate.key_uri) << "; " << certificate.challenge.type
                  << "; " << log::printable(certificate.output_dir.string()) << "\n";
}

/// Reads and validates the file only: no network, no keystore, no state. What an operator
/// runs before reloading the service, and what a package's post-install can run safely.
void run_check(const service::RunOptions& global, bool json) {
    auto config = config::load_config(global.config_path);
    if (json)
        print_json(global.config_path, config);
    else
        print_text(global.config_path, config);
}

}  // namespace

void add_config_commands(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto* config = app.add_subcommand("config", "work with the configuration file (--config)");
    config->require_subcommand(1);
    auto json = std::make_shared<bool>(false);
    auto* check = config->add_subcommand(
        "check", "validate the configuration file without touching keys, CA or state");
    check->add_flag("--json", *json, "print the result as one JSON object");
    commands.push_back({check, [&global, json] { run_check(global, *json); }});
}

}  // namespace hwacme::cli
