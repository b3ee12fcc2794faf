#include "agent/service/managed_run.h"

#include <stdlib.h>

#include <algorithm>
#include <optional>

#include "agent/http/http_client.h"
#include "agent/manage/certificate_state.h"
#include "agent/manage/run_record.h"
#include "agent/manage/state_lock.h"
#include "agent/service/ca_session.h"
#include "agent/service/metrics_output.h"
#include "agent/service/network_confinement.h"
#include "agent/service/renewal_run.h"
#include "common/error.h"
#include "common/folder_removal.h"
#include "common/log.h"

namespace hwacme::service {
namespace {

/// The throwaway folder of a dry run in one process: its state and output live here and go
/// with it.
class ScratchDir {
public:
    ScratchDir() : path_(make_dry_run_folder()) {}
    ~ScratchDir() {
        try {
            remove_folder_tree(path_);
        } catch (const Error& e) {
            log::warning(e.what());
        }
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

/// Points a dry run at the scratch folder: a state that knows only which key generations the
/// real one used (so the rehearsal's keys take new names), its own output, and no deploy hook.
void prepare_dry_run(RunOptions& options, std::vector<config::CertificateConfig>& certificates,
                     const std::filesystem::path& scratch) {
    auto real_state = options.state_path();
    options.state_dir = dry_run_state(scratch).string();
    for (auto& certificate : certificates) {
        auto real = manage::load_certificate_state(real_state, certificate.name);
        manage::CertificateState seed;
        seed.last_key_generation = real.last_key_generation;
        manage::save_certificate_state(options.state_path(), certificate.name, seed);
        certificate.output_dir = scratch / "out" / certificate.name;
        certificate.deploy_hook.clear();
    }
    log::info("dry run against " + options.server + " in " + scratch.string());
}

/// What the network process of `renew` touches: each certificate's output folder and
/// challenge, the metrics file's folder.
NetworkNeeds renew_needs(const config::Config& config,
                         const std::vector<config::CertificateConfig>& certificates, bool dry_run) {
    NetworkNeeds needs;
    for (const auto& certificate : certificates) {
        needs.read_write.push_back(certificate.output_dir);
        add_challenge_needs(certificate.challenge, needs);
    }
    if (!dry_run && !config.metrics_file.empty())
        needs.read_write.push_back(config.metrics_file.parent_path());
    return needs;
}

}  // namespace

std::filesystem::path make_dry_run_folder() {
    std::string pattern = std::filesystem::temp_directory_path() / "hwacme-dry-run.XXXXXX";
    if (!::mkdtemp(pattern.data()))
        throw Error(Errc::Io, "cannot create a folder for the dry run in " +
                                  std::filesystem::temp_directory_path().string());
    return pattern;
}

std::filesystem::path dry_run_state(const std::filesystem::path& scratch) {
    return scratch / "state";
}

std::vector<config::CertificateConfig> selected_certificates(
    const config::Config& config, const std::vector<std::string>& names) {
    for (const auto& name : names) config.certificate(name);  // an unknown name is an error
    if (names.empty()) return config.certificates;
    std::vector<config::CertificateConfig> chosen;
    for (const auto& certificate : config.certificates)
        if (std::find(names.begin(), names.end(), certificate.name) != names.end())
            chosen.push_back(certificate);
    return chosen;
}

void renew_managed(const RunOptions& command_line, const ManagedRunRequest& request,
                   const std::function<void(const std::string&)>& report) {
    auto config = config::load_config(command_line.config_path);
    auto certificates = selected_certificates(config, request.names);
    RunOptions options = managed_options(command_line, config, request.dry_run);
    std::optional<ScratchDir> own_scratch;
    if (request.dry_run)
        prepare_dry_run(
            options, certificates,
            request.dry_run_folder ? *request.dry_run_folder : own_scratch.emplace().path());
    confine_network_process(options, renew_needs(config, certificates, request.dry_run));
    manage::StateLock lock(options.state_path());

    RenewalSettings settings{
        .force = request.force, .dry_run = request.dry_run, .timeout = request.timeout};
    CaSession ca(options, config.ca);
    manage::RunTally tally(options.state_path());
    std::string failed;
    std::optional<Errc> first_failure;
    for (const auto& certificate : certificates) {
        try {
            http::DeadlineScope time_allowed(ca.context().http,
                                             std::chrono::steady_clock::now() + settings.timeout);
            report(renew_certificate(ca, certificate, options.state_path(), settings));
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
    if (!request.dry_run) publish_run_metrics(config, options.state_path(), tally);
    if (first_failure) throw Error(*first_failure, "renewal failed for " + failed);
}

}  // namespace hwacme::service
