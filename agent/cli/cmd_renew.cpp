#include <iostream>
#include <memory>

#include "agent/cli/command.h"
#include "agent/service/managed_custody.h"
#include "agent/service/managed_run.h"

namespace hwacme::cli {
namespace {

struct RenewArgs {
    std::vector<std::string> names;
    bool force = false;
    bool dry_run = false;
    unsigned timeout_seconds = 300;
    /// Set by key custody's plan before the network process is forked, which inherits it.
    std::optional<std::filesystem::path> dry_run_folder;
};

service::ManagedRunRequest renew_request(const RenewArgs& args) {
    return {.names = args.names,
            .force = args.force,
            .dry_run = args.dry_run,
            .timeout = std::chrono::seconds(args.timeout_seconds),
            .dry_run_folder = args.dry_run_folder};
}

service::CustodyPlan renew_plan(const service::RunOptions& command_line, RenewArgs& args) {
    auto request = renew_request(args);
    auto plan = service::renew_custody_plan(command_line, request);
    args.dry_run_folder = request.dry_run_folder;
    return plan;
}

void run_renew(const service::RunOptions& command_line, const RenewArgs& args) {
    service::renew_managed(command_line, renew_request(args), [&](const std::string& line) {
        std::cout << (args.dry_run ? "dry run: " : "") << line << std::endl;
    });
}

}  // namespace

void add_renew_command(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto args = std::make_shared<RenewArgs>();
    auto* renew = app.add_subcommand(
        "renew",
        "renew the managed certificates of --config that are due (ARI window, else one third "
        "of the lifetime left), rotate their keys inside their devices, run deploy hooks and "
        "destroy keys whose grace period is over");
    renew->add_option("--cert", args->names, "only this certificate (repeatable)");
    renew->add_flag("--force", args->force, "renew whether due or not");
    renew->add_flag("--dry-run", args->dry_run,
                    "rehearse against the CA's staging directory (or --server) with a "
                    "throwaway state and output folder; installs nothing and runs no deploy hook");
    renew->add_option("--timeout", args->timeout_seconds,
                      "seconds the renewal of each certificate may take, every request to the CA "
                      "and every wait included (default 300)");
    commands.push_back({renew, [&global, args] { run_renew(global, *args); },
                        [&global, args] { return renew_plan(global, *args); }});
}

}  // namespace hwacme::cli
