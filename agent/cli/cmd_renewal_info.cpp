#include <boost/json.hpp>
#include <ctime>
#include <iostream>
#include <memory>

#include "agent/acme/renewal_info.h"
#include "agent/cli/acme_context.h"
#include "agent/cli/certificate_files.h"
#include "agent/cli/command.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::cli {
namespace {

struct RenewalInfoArgs {
    std::string cert_file;
    bool json = false;
};

std::string rfc3339_utc(std::chrono::system_clock::time_point time) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(time);
    std::tm fields{};
    gmtime_r(&seconds, &fields);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &fields);
    return text;
}

void print_renewal_info(const std::string& id, const acme::RenewalInfo& info, bool json) {
    auto next_check = std::chrono::system_clock::now() + info.retry_after;
    // The explanation URL comes from the CA: escaped before it reaches a terminal.
    std::optional<std::string> explanation;
    if (info.explanation_url) explanation = log::printable(*info.explanation_url, 400);
    if (json) {
        boost::json::object out{{"id", id},
                                {"window_start", rfc3339_utc(info.window_start)},
                                {"window_end", rfc3339_utc(info.window_end)},
                                {"retry_after_seconds", info.retry_after.count()},
                                {"next_check", rfc3339_utc(next_check)}};
        if (explanation) out["explanation_url"] = *explanation;
        std::cout << boost::json::serialize(out) << "\n";
        return;
    }
    std::cout << "ari id:       " << id << "\n"
              << "window start: " << rfc3339_utc(info.window_start) << "\n"
              << "window end:   " << rfc3339_utc(info.window_end) << "\n";
    if (explanation) std::cout << "explanation:  " << *explanation << "\n";
    std::cout << "ask again:    " << rfc3339_utc(next_check) << " (in " << info.retry_after.count()
              << " s)\n";
}

void run_renewal_info(const GlobalOptions& global, const RenewalInfoArgs& args) {
    auto cert = load_certificate_file(args.cert_file);
    auto id = acme::ari_certificate_id(cert.get());
    AcmeContext context(global);
    auto info = acme::fetch_renewal_info(context.acme, id);
    if (!info)
        throw Error(Errc::Unsupported, "the CA at " + global.server +
                                           " offers no renewal information (its directory has "
                                           "no renewalInfo, RFC 9773)");
    print_renewal_info(id, *info, args.json);
}

}  // namespace

void add_renewal_info_command(CLI::App& app, GlobalOptions& global, Commands& commands) {
    auto args = std::make_shared<RenewalInfoArgs>();
    auto* command = app.add_subcommand(
        "renewal-info",
        "ask the CA when to renew a certificate (ACME Renewal Information, RFC 9773)");
    command->add_option("--cert", args->cert_file, "PEM file of the certificate (the leaf first)")
        ->required();
    command->add_flag("--json", args->json, "print the result as one JSON object on stdout");
    commands.push_back({command, [&global, args] { run_renewal_info(global, *args); }});
}

}  // namespace hwacme::cli
