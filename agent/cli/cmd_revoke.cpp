#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/acme/revocation.h"
#include "agent/cli/command.h"
#include "agent/service/acme_context.h"
#include "agent/service/certificate_files.h"
#include "agent/signing/key_signer.h"
#include "common/error.h"

namespace hwacme::cli {
namespace {

struct RevokeArgs {
    std::string cert_file;
    std::string reason;
    std::string cert_key;
    bool json = false;
};

void run_revoke(const service::RunOptions& global, const RevokeArgs& args) {
    auto cert = service::load_certificate_file(args.cert_file);
    std::optional<int> reason;
    if (!args.reason.empty()) reason = acme::parse_revocation_reason(args.reason);
    service::AcmeContext context(global);
    auto der = service::certificate_der(cert.get());
    if (!args.cert_key.empty()) {
        // RFC 8555 §7.6: a request signed by the certificate's own key needs no account.
        auto key = keystore::open_key(context.registry, keystore::KeyUri::parse(args.cert_key),
                                      global.keystore_options());
        if (!service::certifies_key(cert.get(), key->public_key().get()))
            throw Error(Errc::InvalidArgument,
                        args.cert_file + " does not certify the key " + key->uri());
        acme::revoke_certificate(context.acme, der, reason, signing::KeySigner(*key), std::nullopt);
    } else {
        auto account = service::resolve_account(context, {});
        acme::revoke_certificate(context.acme, der, reason, *account.signer,
                                 account.state.account_url);
    }
    auto summary = service::summarize(cert.get());
    if (args.json) {
        boost::json::object out{
            {"revoked", args.cert_file},
            {"serial", summary.serial_hex},
            {"names", boost::json::array(summary.names.begin(), summary.names.end())}};
        if (reason) out["reason"] = *reason;
        std::cout << boost::json::serialize(out) << "\n";
    } else {
        std::cout << "revoked: " << args.cert_file << " (serial " << summary.serial_hex << ")\n";
    }
}

}  // namespace

void add_revoke_command(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto args = std::make_shared<RevokeArgs>();
    auto* revoke = app.add_subcommand(
        "revoke", "revoke a certificate, signed by the account key or by the certificate's key");
    revoke->add_option("--cert", args->cert_file, "PEM file of the certificate (the leaf first)")
        ->required();
    revoke->add_option("--reason", args->reason,
                       "RFC 5280 reason: unspecified, keyCompromise, superseded, "
                       "cessationOfOperation, affiliationChanged, … or its number");
    revoke->add_option("--cert-key", args->cert_key,
                       "sign with the certificate's own key at this URI instead of the account");
    revoke->add_flag("--json", args->json, "print the result as one JSON object on stdout");
    commands.push_back({revoke, [&global, args] { run_revoke(global, *args); }});
}

}  // namespace hwacme::cli
