#include "agent/service/managed_custody.h"

#include <algorithm>

#include "agent/config/key_template.h"
#include "agent/service/ca_session.h"
#include "agent/service/certificate_deploy.h"
#include "common/error.h"
#include "common/folder_removal.h"
#include "common/log.h"

namespace hwacme::service {
namespace {

[[noreturn]] void refuse(const std::string& what, const std::string& why) {
    throw Error(Errc::Custody, "key custody refused " + what + ": " + why);
}

bool listed_retired(const manage::CertificateState& state, const std::string& key_uri,
                    std::optional<TimePoint> past) {
    return std::any_of(state.retired_keys.begin(), state.retired_keys.end(), [&](const auto& key) {
        return key.key_uri == key_uri && (!past || key.destroy_after <= *past);
    });
}

bool current_or_pending(const manage::CertificateState& state, const std::string& key_uri) {
    return (state.current && state.current->key_uri == key_uri) ||
           (state.pending && state.pending->key_uri == key_uri);
}

}  // namespace

ManagedCustody::ManagedCustody(std::vector<config::CertificateConfig> certificates,
                               std::filesystem::path state_dir, bool dry_run)
    : certificates_(std::move(certificates)), state_dir_(std::move(state_dir)), dry_run_(dry_run) {
    for (const auto& certificate : certificates_)
        at_start_[certificate.name] = manage::load_certificate_state(state_dir_, certificate.name);
}

const config::CertificateConfig& ManagedCustody::certificate(const std::string& name) const {
    auto found = std::find_if(certificates_.begin(), certificates_.end(),
                              [&](const auto& certificate) { return certificate.name == name; });
    if (found == certificates_.end())
        refuse("a request for certificate '" + log::printable(name) + "'",
               "this run does not renew it");
    return *found;
}

custody::KeySpec ManagedCustody::key_of(const std::string& name, std::uint32_t generation) const {
    const auto& configured = certificate(name);
    std::string what = "generation " + std::to_string(generation) + " of the key of " + name;
    if (configured.key_policy == config::KeyPolicy::Reuse) {
        if (generation != 0) refuse(what, "its key policy is reuse");
        return {keystore::KeyUri::parse(configured.key_uri), configured.key_type, true};
    }
    const auto& start = at_start_.at(name);
    unsigned next = start.last_key_generation + 1;
    bool resumed = start.pending && start.pending->key_generation == generation;
    if (generation != next && !resumed)
        refuse(what, "this run may generate generation " + std::to_string(next) +
                         (start.pending ? " or resume generation " +
                                              std::to_string(start.pending->key_generation)
                                        : std::string()));
    return {keystore::KeyUri::parse(config::key_uri_for_generation(configured.key_uri, generation)),
            configured.key_type, true};
}

void ManagedCustody::allow_destroy(const std::string& name, const std::string& key_uri,
                                   bool generated_now) const {
    certificate(name);
    std::string what = "to destroy " + log::printable(key_uri) + " of " + name;
    if (dry_run_) {
        if (!generated_now) refuse(what, "a dry run destroys only the keys it generated");
        return;
    }
    if (generated_now) refuse(what, "this run generated it");
    const auto& start = at_start_.at(name);
    if (!listed_retired(start, key_uri, std::nullopt) &&
        !(start.current && start.current->key_uri == key_uri))
        refuse(what, "it was neither retired nor serving when the run began");
    auto now = manage::load_certificate_state(state_dir_, name);
    if (current_or_pending(now, key_uri)) refuse(what, "the state has it in use");
    if (!listed_retired(now, key_uri, system_seconds()))
        refuse(what, "the state does not show it retired past its grace period");
}

custody::HookReply ManagedCustody::deploy(const std::string& name) const {
    const auto& configured = certificate(name);
    std::string what = "to run the deploy hook of " + name;
    if (dry_run_) refuse(what, "a dry run runs no deploy hook");
    if (configured.deploy_hook.empty()) refuse(what, "it has none");
    // A run deploys each certificate once: a network process asking again would only have
    // custody reload a server over and over.
    if (!deployed_.insert(name).second) refuse(what, "it ran in this run already");
    auto state = manage::load_certificate_state(state_dir_, name);
    if (!state.current) refuse(what, "it has no installed certificate");
    try {
        run_certificate_deploy_hook(configured, *state.current);
        return {true, "exit status 0"};
    } catch (const Error& e) {
        return {false, log::printable(e.what(), 200)};
    }
}

namespace {

CustodyPlan plan_renewal(const RunOptions& command_line, ManagedRunRequest& request) {
    auto config = config::load_config(command_line.config_path);
    auto certificates = selected_certificates(config, request.names);
    RunOptions options = managed_options(command_line, config, request.dry_run);
    auto managed =
        std::make_shared<ManagedCustody>(certificates, options.state_path(), request.dry_run);
    // A dry run takes the real state's TPM lock: it shares the TPM with real runs.
    auto keystore = options.keystore_options();
    // A dry run's account is looked up, and registered when missing, in its scratch state.
    if (request.dry_run) {
        request.dry_run_folder = make_dry_run_folder();
        options.state_dir = dry_run_state(*request.dry_run_folder).string();
    }
    auto account = configured_account(config.ca);
    CustodyPlan plan{.keys = {.account = account_key_spec(options, account)},
                     .policy = {.directory_url = options.server},
                     .duties = {.managed = std::move(managed)},
                     .idle_limit = request.timeout * std::max<std::size_t>(1, certificates.size()) +
                                   std::chrono::seconds(60),
                     .keystore = std::move(keystore)};
    for (const auto& certificate : certificates) {
        plan.policy.certificates[certificate.name] = certificate.identifiers;
        if (certificate.challenge.type == "dns-01")
            plan.duties.dns_hooks[certificate.name] = certificate.challenge.dns_hook;
        if (!request.dry_run) plan.output_folders.push_back(certificate.output_dir);
    }
    if (request.dry_run)
        plan.scratch_folders.push_back(*request.dry_run_folder);
    else
        plan.output_folders.push_back(options.state_path());
    // The MAC key is read only when the run may register: a saved account needs none.
    auto saved = load_account_state(options.state_path(), options.server);
    if (!saved || saved->account_key_uri != account_key_uri(options, account))
        bind_account_in_custody(account, plan);
    return plan;
}

}  // namespace

CustodyPlan renew_custody_plan(const RunOptions& command_line, ManagedRunRequest& request) {
    try {
        return plan_renewal(command_line, request);
    } catch (...) {
        // A plan that fails starts no run: the scratch folder it made goes at once, and the
        // failure to report stays the plan's.
        if (request.dry_run_folder) {
            try {
                remove_folder_tree(*request.dry_run_folder);
            } catch (const Error& e) {
                log::warning(e.what());
            }
        }
        request.dry_run_folder.reset();
        throw;
    }
}

}  // namespace hwacme::service
