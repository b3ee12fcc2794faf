#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <vector>

#include "agent/custody/custody_server.h"
#include "agent/custody/key_plan.h"
#include "agent/custody/signing_policy.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// What the custody process of one command holds and agrees to, fixed from the command line and
/// configuration before the network process starts.
struct CustodyPlan {
    custody::KeyPlan keys = {};
    custody::PolicyTerms policy = {};
    custody::CustodyDuties duties = {};
    /// How long custody waits for the network process's next request: the command's whole
    /// time allowed, and a margin.
    std::chrono::seconds idle_limit{660};
    /// Folders the network process makes before its sandbox closes (it cannot make them
    /// later): those missing at the start are removed again, when empty, after a failed run.
    std::vector<std::filesystem::path> output_folders = {};
    /// Folders custody made for the run alone (a dry run's state and output): removed with
    /// everything in them once the network process has ended.
    std::vector<std::filesystem::path> scratch_folders = {};
    /// How custody opens keys when the command line alone does not say (`renew` takes the TCTI
    /// and state folder from its configuration); else the command line's.
    std::optional<keystore::KeystoreOptions> keystore = std::nullopt;
};

/// Splits a command in two before any key is opened: forks the network process (without the
/// PIN variables), which returns nullopt at once and goes on to do the command's work, asking
/// custody for every key operation. Custody answers it with the plan's keys within the plan's
/// policy, closes the keys (logging out, flushing TPM objects) once it ended, and returns its
/// exit status. A request outside the policy is logged and ends the run.
std::optional<int> run_as_custody(const RunOptions& options, const CustodyPlan& plan);

}  // namespace hwacme::service
