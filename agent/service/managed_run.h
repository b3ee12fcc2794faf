#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// The configured certificates a run is limited to (`names`; all when empty), in the
/// configuration's order. Error{NotFound} for a name the configuration lacks.
std::vector<config::CertificateConfig> selected_certificates(const config::Config& config,
                                                             const std::vector<std::string>& names);

/// One `hwacme renew` over the configuration.
struct ManagedRunRequest {
    std::vector<std::string> names;  ///< only these certificates; all when empty
    bool force = false;
    /// A rehearsal against the CA's staging directory (or --server), in a throwaway state and
    /// output folder: installs nothing, runs no deploy hook, leaves no key it made.
    bool dry_run = false;
    std::chrono::seconds timeout{300};  ///< per certificate, every request and wait included
    /// The dry run's scratch folder when key custody made it (and removes it); else the run
    /// makes its own.
    std::optional<std::filesystem::path> dry_run_folder = std::nullopt;
};

/// A new private folder for a dry run's state and output, under the temp folder.
std::filesystem::path make_dry_run_folder();

/// Where a dry run in `scratch` keeps its state.
std::filesystem::path dry_run_state(const std::filesystem::path& scratch);

/// Brings every selected certificate up to date under the state lock: one certificate failing
/// does not stop the others. `report` gets the line of each certificate that succeeded, as soon
/// as it did; a failure is logged naming its certificate. Writes the run's metrics (not for a
/// dry run). Throws Error with the first failure's category naming every certificate that
/// failed.
void renew_managed(const RunOptions& command_line, const ManagedRunRequest& request,
                   const std::function<void(const std::string&)>& report);

}  // namespace hwacme::service
