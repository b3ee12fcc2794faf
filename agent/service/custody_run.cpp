#include "agent/service/custody_run.h"

#include "agent/custody/local_keys.h"
#include "agent/custody/network_process.h"
#include "common/error.h"
#include "common/folder_removal.h"
#include "common/log.h"

namespace hwacme::service {
namespace {

// The variables that carry secrets: the network process starts without them.
const std::vector<std::string> kSecretVariables{"HWACME_PKCS11_PIN", "HWACME_PKCS11_PIN_FILE"};

// How long a network process that was told the run is over may take to end.
constexpr std::chrono::seconds kEndGrace{10};

/// The folders among `folders` and their parents that do not exist, deepest first.
std::vector<std::filesystem::path> missing_folders(
    const std::vector<std::filesystem::path>& folders) {
    std::vector<std::filesystem::path> missing;
    for (const auto& folder : folders) {
        std::error_code error;
        for (auto path = std::filesystem::absolute(folder, error);
             !error && path.has_relative_path() && !std::filesystem::exists(path, error);
             path = path.parent_path())
            missing.push_back(path);
    }
    return missing;
}

/// A failed run leaves no folder it made behind: each still empty is removed, deepest first.
void remove_empty(const std::vector<std::filesystem::path>& folders) {
    for (const auto& folder : folders) remove_empty_folder(folder);
}

/// The network process has ended: what it wrote in the run's scratch folders goes with them.
void remove_scratch(const std::vector<std::filesystem::path>& folders) {
    for (const auto& folder : folders) {
        try {
            remove_folder_tree(folder);
        } catch (const Error& e) {
            log::warning(e.what());
        }
    }
}

}  // namespace

std::optional<int> run_as_custody(const RunOptions& options, const CustodyPlan& plan) {
    // The policy is checked before anything starts: a directory URL it cannot hold to fails here.
    custody::SigningPolicy policy(plan.policy);
    auto made_by_run = missing_folders(plan.output_folders);
    auto forked = custody::NetworkProcess::fork(kSecretVariables);
    if (!forked) return std::nullopt;
    auto& network = *forked;
    log::debug("key custody: network process " + std::to_string(network.pid()) + " started");
    custody::ServeEnd end;
    {
        custody::LocalKeys keys(make_registry(), plan.keys,
                                plan.keystore.value_or(options.keystore_options()));
        custody::CustodyServer server(policy, keys, plan.duties);
        end = server.serve(network.link(), plan.idle_limit);
        // The keys close here, before the network process is waited for: custody logs out and
        // flushes its TPM objects whatever that process does next.
    }
    int status =
        network.wait(end == custody::ServeEnd::ProtocolError ? std::chrono::seconds(0) : kEndGrace);
    if (end == custody::ServeEnd::PeerClosed && status > 128)
        log::error("hwacme: the network process ended by signal " + std::to_string(status - 128) +
                   "; key custody logged out of its keys");
    if (end == custody::ServeEnd::ProtocolError && status == 0) status = 1;
    if (status != 0) remove_empty(made_by_run);
    remove_scratch(plan.scratch_folders);
    return status;
}

}  // namespace hwacme::service
