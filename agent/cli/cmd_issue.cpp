#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/acme/issuance.h"
#include "agent/acme/order.h"
#include "agent/acme/renewal_info.h"
#include "agent/cli/command.h"
#include "agent/cli/eab_options.h"
#include "agent/http/listen.h"
#include "agent/service/acme_context.h"
#include "agent/service/certificate_files.h"
#include "agent/service/challenge_setup.h"
#include "agent/service/order_state.h"
#include "agent/signing/key_signer.h"
#include "common/error.h"
#include "common/log.h"
#include "pkcs11/certificate_store.h"

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

std::optional<std::string> optional_if_set(const std::string& value) {
    if (value.empty()) return std::nullopt;
    return value;
}

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

/// The ARI identifier of the certificate in `pem_file` for newOrder's `replaces` (RFC 9773 §5),
/// or nullopt when none is asked or the CA offers no renewalInfo and would not understand it.
std::optional<std::string> replaces_id(acme::Client& acme, const std::string& pem_file) {
    if (pem_file.empty()) return std::nullopt;
    auto certificate = service::load_certificate_file(pem_file);
    if (!acme.directory().renewal_info) {
        log::info("the CA offers no renewalInfo (ARI): --replaces " + pem_file + " is skipped");
        return std::nullopt;
    }
    return acme::ari_certificate_id(certificate.get());
}

/// Keeps the order of this issuance in the state folder while it is under way, so that a rerun
/// after a crash, a Ctrl-C or a failed validation resumes it instead of ordering again.
class InFlightOrder {
public:
    InFlightOrder(const service::RunOptions& global, const std::vector<std::string>& names,
                  const std::string& key_uri)
        : state_dir_(global.state_path()),
          record_{global.server, service::name_set(names), key_uri, {}, {}} {}

    /// The order an earlier run of the same issuance left unfinished.
    std::optional<std::string> saved_url() const {
        auto saved = service::load_saved_order(state_dir_, record_.directory_url, record_.names,
                                               record_.key_uri);
        if (!saved) return std::nullopt;
        return saved->order_url;
    }
    void save(const acme::Order& order) {
        record_.order_url = order.url;
        record_.saved_at =
            std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        service::save_order(state_dir_, record_);
        log::debug("saved order " + order.url + " in " +
                   service::saved_order_path(state_dir_, record_.directory_url, record_.names,
                                             record_.key_uri)
                       .string());
    }
    void forget() { service::remove_saved_order(state_dir_, record_); }

private:
    std::filesystem::path state_dir_;
    service::SavedOrder record_;
};

void run_issue(const service::RunOptions& global, const IssueArgs& args) {
    // A name the CA could never certify must not cost a key or an account.
    for (const auto& name : args.names) acme::identifier_for(name);
    service::AcmeContext context(global);
    context.http.set_deadline(std::chrono::steady_clock::now() +
                              std::chrono::seconds(args.timeout_seconds));
    auto certificate_key_uri = keystore::KeyUri::parse(args.key_uri);
    if (args.store_cert_in_token && certificate_key_uri.scheme() != "pkcs11")
        throw Error(Errc::InvalidArgument, "--store-cert-in-token needs a pkcs11: key, not " +
                                               certificate_key_uri.scheme() + ":");
    // A webroot that is refused, or a port that is taken, must not cost a key or an account.
    service::ChallengeSetup challenge = service::set_up_challenge(challenge_config(args));
    auto account = service::resolve_account(context, {.account_key_uri = args.account_key,
                                                      .emails = args.emails,
                                                      .agree_tos = args.agree_tos,
                                                      .eab = args.eab.load()});
    // Reach the CA before a key is generated for it: an unreachable CA must leave nothing behind.
    context.acme.directory();
    auto replaces = replaces_id(context.acme, args.replaces);
    auto certificate_key = keystore::open_or_generate_key(context.registry, certificate_key_uri,
                                                          args.key_type, global.keystore_options());
    if (certificate_key.generated)
        log::info("generated certificate key " + certificate_key->uri() + " (" +
                  std::string(keystore::to_string(certificate_key->type())) + ")");

    acme::AccountSession session(context.acme, *account.signer, account.state.account_url);
    const signing::KeySigner certificate_signer(*certificate_key);
    acme::IssuanceRequest request;
    request.names = args.names;
    request.certificate_key = &certificate_signer;
    request.solver = challenge.solver.get();
    request.timeout = std::chrono::seconds(args.timeout_seconds);
    request.order_options.profile = optional_if_set(args.profile);
    request.order_options.replaces = replaces;
    InFlightOrder in_flight(global, args.names, certificate_key->uri());
    request.resume_order_url = in_flight.saved_url();
    request.on_order = [&in_flight](const acme::Order& order) { in_flight.save(order); };
    auto issued = acme::issue_certificate(session, request);

    auto chain = service::choose_chain(session, issued, args.preferred_chain);
    auto leaf = service::parse_pem_certificate(chain.front());
    if (!service::certifies_key(leaf.get(), certificate_key->public_key().get())) {
        // Resuming this finished order would only fetch the same certificate again.
        in_flight.forget();
        throw Error(Errc::Protocol, "the CA's certificate " + issued.certificate_url +
                                        " does not carry the public key of " +
                                        certificate_key->uri());
    }
    auto files = service::write_certificate_files(args.out_dir, chain);
    in_flight.forget();
    if (args.store_cert_in_token) {
        pkcs11::store_certificate(keystore::KeyUri::parse(certificate_key->uri()), leaf.get());
        log::info("stored the certificate in the token beside " + certificate_key->uri());
    }
    print_summary(files, service::summarize(leaf.get()), certificate_key->uri(), args.json);
    log::debug("requests: " + std::to_string(context.http.request_count()) +
               ", connections: " + std::to_string(context.http.connection_count()));
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
    commands.push_back({issue, [&global, args] { run_issue(global, *args); }});
}

}  // namespace hwacme::cli
