#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/cli/command.h"
#include "agent/cli/eab_options.h"
#include "agent/http/listen.h"
#include "agent/service/certificate_files.h"
#include "agent/service/issue_to_files.h"
#include "common/error.h"

namespace hwacme::cli {
namespace {

struct IssueArgs {
    std::vector<std::string> names;
    std::string key_uri;
    keystore::KeyType key_type = keystore::KeyType::EcP256;
    std::string out_dir;
    std::string challenge = "http-01";
    std::string webroot;
    std::string dns_hook;
    unsigned dns_propagation_wait = 0;
    std::vector<std::string> http_addresses;
    std::uint16_t http_port = 80;
    std::uint16_t tls_port = 443;
    std::optional<std::string> account_key;
    std::vector<std::string> emails;
    bool agree_tos = false;
    unsigned timeout_seconds = 300;
    bool store_cert_in_token = false;
    bool json = false;
    std::string preferred_chain;
    std::string profile;
    std::string replaces;  ///< PEM file of the certificate this issuance renews
    EabOptions eab;
};

void print_summary(const service::CertificateFiles& files,
                   const service::CertificateSummary& summary, const std::string& key_uri,
                   bool json) {
    if (json) {
        boost::json::object out{
            {"certificate", files.cert.string()},
            {"chain", files.chain.string()},
            {"fullchain", files.fullchain.string()},
            {"key", key_uri},
            {"subject", summary.subject},
            {"names", boost::json::array(summary.names.begin(), summary.names.end())},
            {"issuer", summary.issuer},
            {"serial", summary.serial_hex},
            {"not_after", summary.not_after}};
        std::cout << boost::json::serialize(out) << "\n";
        return;
    }
    std::cout << "certificate: " << files.cert.string() << "\n"
              << "chain:       " << files.chain.string() << "\n"
              << "fullchain:   " << files.fullchain.string() << "\n"
              << "key:         " << key_uri << "\n"
              << "subject:     " << summary.subject << "\n"
              << "names:      ";
    for (const auto& name : summary.names) std::cout << " " << name;
    std::cout << "\n"
              << "issuer:      " << summary.issuer << "\n"
              << "serial:      " << summary.serial_hex << "\n"
              << "not after:   " << summary.not_after << "\n";
}

/// The challenge settings `issue` was given, in the form `renew` reads from its configuration.
config::ChallengeConfig challenge_config(const IssueArgs& args) {
    if (args.challenge == "dns-01" && args.dns_hook.empty())
        throw Error(Errc::InvalidArgument, "--challenge dns-01 needs --dns-hook PROGRAM");
    config::ChallengeConfig challenge;
    challenge.type = args.challenge;
    challenge.listen_addresses = args.http_addresses;
    challenge.http_port = args.http_port;
    challenge.tls_port = args.tls_port;
    challenge.webroot = args.webroot;
    challenge.dns_hook = args.dns_hook;
    challenge.dns_propagation_wait = std::chrono::seconds(args.dns_propagation_wait);
    return challenge;
}

service::IssueRequest issue_request(const IssueArgs& args) {
    return {.names = args.names,
            .key_uri = keystore::KeyUri::parse(args.key_uri),
            .key_type = args.key_type,
            .out_dir = args.out_dir,
            .challenge = challenge_config(args),
            .account = {.account_key_uri = args.account_key,
                        .emails = args.emails,
                        .agree_tos = args.agree_tos,
                        .eab = args.eab.source()},
            .timeout = std::chrono::seconds(args.timeout_seconds),
            .store_cert_in_token = args.store_cert_in_token,
            .preferred_chain = args.preferred_chain,
            .profile = args.profile,
            .replaces = args.replaces};
}

void run_issue(const service::RunOptions& global, const IssueArgs& args) {
    auto issued = service::issue_to_files(global, issue_request(args));
    print_summary(issued.files, issued.summary, issued.key_uri, args.json);
}

}  // namespace

void add_issue_command(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto args = std::make_shared<IssueArgs>();
    auto* issue = app.add_subcommand(
        "issue",
        "issue a certificate whose key lives at --key (generated there if missing), proving "
        "control of each name with http-01; writes cert.pem, chain.pem, fullchain.pem to --out");
    issue->add_option("-d,--domain", args->names, "name to certify (repeatable; first = CN)")
        ->required();
    issue->add_option("--key", args->key_uri, "URI of the certificate key")->required();
    add_key_type_option(*issue, "--key-type", args->key_type, "the certificate key");
    issue->add_option("--out", args->out_dir, "folder for cert.pem, chain.pem, fullchain.pem")
        ->required();
    auto* webroot = issue->add_option(
        "--webroot", args->webroot,
        "serve http-01 by writing into DIR/.well-known/acme-challenge of a running web server");
    issue
        ->add_option("--http-port", args->http_port,
                     "port of the built-in http-01 server (default 80)")
        ->excludes(webroot);
    issue
        ->add_option("--http-address,--listen-address", args->http_addresses,
                     std::string("IP address the built-in http-01 or tls-alpn-01 server binds "
                                 "(repeatable; default ") +
                         http::kEveryAddressText + ")")
        ->excludes(webroot);
    issue
        ->add_option("--challenge", args->challenge,
                     "challenge type: http-01 (default), dns-01, tls-alpn-01")
        ->check(CLI::IsMember({"http-01", "dns-01", "tls-alpn-01"}));
    issue->add_option("--tls-port", args->tls_port,
                      "tls-alpn-01: port of the built-in TLS responder (default 443)");
    issue->add_option("--dns-hook", args->dns_hook,
                      "dns-01: program run as 'PROGRAM add|remove _acme-challenge.NAME VALUE'");
    issue->add_option("--dns-propagation-wait", args->dns_propagation_wait,
                      "dns-01: seconds to wait after the hook added the records (default 0)");
    issue->add_option("--account-key", args->account_key,
                      "account key URI; registers the account when the state has none");
    issue->add_option("--email", args->emails, "contact e-mail when registering (repeatable)");
    issue->add_flag("--agree-tos", args->agree_tos, "agree to the CA's terms when registering");
    args->eab.add_to(*issue);
    issue->add_option("--preferred-chain", args->preferred_chain,
                      "issuer CN of the chain's top certificate to prefer among the CA's chains");
    issue->add_option("--profile", args->profile,
                      "certificate profile to ask for, one the CA's directory offers");
    issue->add_option("--replaces", args->replaces,
                      "PEM file of the certificate this one renews, named to the CA when its "
                      "directory offers renewalInfo (ARI, RFC 9773)");
    issue->add_flag("--json", args->json, "print the result as one JSON object on stdout");
    issue->add_option("--timeout", args->timeout_seconds,
                      "seconds the whole issuance may take, every request to the CA and every "
                      "wait included (default 300)");
    issue->add_flag("--store-cert-in-token", args->store_cert_in_token,
                    "also store the certificate in the PKCS#11 token, with the key's id and label");
    commands.push_back(
        {issue, [&global, args] { run_issue(global, *args); },
         [&global, args] { return service::issue_custody_plan(global, issue_request(*args)); }});
}

}  // namespace hwacme::cli
