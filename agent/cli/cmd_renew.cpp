#include <stdlib.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "agent/cli/command.h"
#include "agent/config/config.h"
#include "agent/http/http_client.h"
#include "agent/manage/certificate_state.h"
#include "agent/manage/state_lock.h"
#include "agent/service/metrics_output.h"
#include "agent/service/renewal_run.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::cli {
namespace {

struct RenewArgs {
    std::vector<std::string> names;
    bool force = false;
    bool dry_run = false;
    unsigned timeout_seconds = 300;
};

/// The configured certificates the run is limited to (--cert), in the configuration's order.
std::vector<config::CertificateConfig> selected(const config::Config& config,
                                                const std::vector<std::string>& names) {
    if (names.empty()) return config.certificates;
    std::vector<config::CertificateConfig> chosen;
    for (const auto& certificate : config.certificates)
        if (std::find(names.begin(), names.end(), certificate.name) != names.end())
            chosen.push_back(certificate);
    for (const auto& name : names) config.certificate(name);  // an unknown name is an error
    return chosen;
}

/// The throwaway folder of a dry run: its state and output live here and go with it.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern = std::filesystem::temp_directory_path() / "hwacme-dry-run.XXXXXX";
        if (!::mkdtemp(pattern.data()))
            throw Error(Errc::Io, "cannot create a folder for the dry run in " +
                                      std::filesystem::temp_directory_path().string());
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// Points a dry run at the scratch folder: a state that knows only which key generations the
/// real one used (so the rehearsal's keys take new names), its own output, and no deploy hook.
void prepare_dry_run(service::RunOptions& options,
                     std::vector<config::CertificateConfig>& certificates,
                     const ScratchDir& scratch) {
    auto real_state = options.state_path();
    options.state_dir = (scratch.path() / "state").string();
    for (auto& certificate : certificates) {
        auto real = manage::load_certificate_state(real_state, certificate.name);
        manage::CertificateState seed;
        seed.last_key_generation = real.last_key_generation;
        manage::save_certificate_state(options.state_path(), certificate.name, seed);
        certificate.output_dir = scratch.path() / "out" / certificate.name;
        certificate.deploy_hook.clear();
    }
    log::info("dry run against " + options.server + " in " + scratch.path().string());
}

void run_renew(const service::RunOptions& command_line, const RenewArgs& args) {
    auto config = config::load_config(command_line.config_path);
    auto certificates = selected(config, args.names);
    service::RunOptions options = service::managed_options(command_line, config, args.dry_run);
    std::optional<ScratchDir> scratch;
    if (args.dry_run) prepare_dry_run(options, certificates, scratch.emplace());
    manage::StateLock lock(options.state_path());

    service::RenewalSettings settings{.force = args.force,
                                      .dry_run = args.dry_run,
                                      .timeout = std::chrono::seconds(args.timeout_seconds)};
    service::CaSession ca(options, config.ca);
    manage::RunTally tally(options.state_path());
    std::string failed;
    std::optional<Errc> first_failure;
    for (const auto& certificate : certificates) {
        try {
            http::DeadlineScope time_allowed(ca.context().http,
                                             std::chrono::steady_clock::now() + settings.timeout);
            std::cout << (args.dry_run ? "dry run: " : "")
                      << service::renew_certificate(ca, certificate, options.state_path(), settings)
                      << std::endl;
            tally.add(certificate.name, true);
        } catch (const std::exception& e) {
            // One line per certificate, naming it: the others carry on.
            log::error("hwacme: " + certificate.name + ": " + e.what());
            auto* error = dynamic_cast<const Error*>(&e);
            if (!first_failure) first_failure = error ? error->code() : Errc::Io;
            failed += (failed.empty() ? "" : ", ") + certificate.name;
            tally.add(certificate.name, false);
        }
    }
    if (!args.dry_run) service::publish_run_metrics(config, options.state_path(), tally);
    if (first_failure) throw Error(*first_failure, "renewal failed for " + failed);
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
    commands.push_back({renew, [&global, args] { run_renew(global, *args); }});
}

}  // namespace hwacme::cli
