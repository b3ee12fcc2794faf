#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/acme/revocation.h"
#include "agent/cli/command.h"
#include "agent/service/certificate_revocation.h"

namespace hwacme::cli {
namespace {

struct RevokeArgs {
    std::string cert_file;
    std::string reason;
    std::string cert_key;
    bool json = false;
};

service::RevocationRequest revocation_request(const RevokeArgs& args) {
    std::optional<int> reason;
    if (!args.reason.empty()) reason = acme::parse_revocation_reason(args.reason);
    std::optional<keystore::KeyUri> cert_key;
    if (!args.cert_key.empty()) cert_key = keystore::KeyUri::parse(args.cert_key);
    return {.cert_file = args.cert_file, .reason = reason, .cert_key = cert_key};
}

void run_revoke(const service::RunOptions& global, const RevokeArgs& args) {
    auto request = revocation_request(args);
    auto summary = service::revoke_certificate_file(global, request);
    if (args.json) {
        boost::json::object out{
            {"revoked", args.cert_file},
            {"serial", summary.serial_hex},
            {"names", boost::json::array(summary.names.begin(), summary.names.end())}};
        if (request.reason) out["reason"] = *request.reason;
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
    commands.push_back({revoke, [&global, args] { run_revoke(global, *args); },
                        [&global, args] {
                            return service::revocation_custody_plan(global,
                                                                    revocation_request(*args));
                        }});
}

}  // namespace hwacme::cli
