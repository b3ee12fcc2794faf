#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "agent/acme/renewal_info.h"
#include "agent/cli/command.h"
#include "agent/service/renewal_info_lookup.h"
#include "common/log.h"
#include "common/rfc3339.h"

namespace hwacme::cli {
namespace {

struct RenewalInfoArgs {
    std::string cert_file;
    bool json = false;
};

void print_renewal_info(const std::string& id, const acme::RenewalInfo& info, bool json) {
    auto next_check = system_seconds() + info.retry_after;
    // The explanation URL comes from the CA: escaped before it reaches a terminal.
    std::optional<std::string> explanation;
    if (info.explanation_url) explanation = log::printable(*info.explanation_url, 400);
    if (json) {
        boost::json::object out{{"id", id},
                                {"window_start", format_rfc3339(info.window_start)},
                                {"window_end", format_rfc3339(info.window_end)},
                                {"retry_after_seconds", info.retry_after.count()},
                                {"next_check", format_rfc3339(next_check)}};
        if (explanation) out["explanation_url"] = *explanation;
        std::cout << boost::json::serialize(out) << "\n";
        return;
    }
    std::cout << "ari id:       " << id << "\n"
              << "window start: " << format_rfc3339(info.window_start) << "\n"
              << "window end:   " << format_rfc3339(info.window_end) << "\n";
    if (explanation) std::cout << "explanation:  " << *explanation << "\n";
    std::cout << "ask again:    " << format_rfc3339(next_check) << " (in "
              << info.retry_after.count() << " s)\n";
}

void run_renewal_info(const service::RunOptions& global, const RenewalInfoArgs& args) {
    auto lookup = service::look_up_renewal_info(global, args.cert_file);
    print_renewal_info(lookup.id, lookup.info, args.json);
}

}  // namespace

void add_renewal_info_command(CLI::App& app, service::RunOptions& global, Commands& commands) {
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
