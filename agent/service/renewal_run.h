#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "agent/config/config.h"
#include "agent/service/ca_session.h"
#include "common/rfc3339.h"

namespace hwacme::service {

/// How one certificate is renewed.
struct RenewalSettings {
    bool force = false;
    /// A rehearsal in a throwaway state and output folder: renews whether due or not, sends no
    /// ARI `replaces`, runs no deploy hook, destroys the key it generated, keeps no retired keys.
    bool dry_run = false;
    std::chrono::seconds timeout{300};  ///< for validation and issuance
    /// What time it is, to the second: when renewal is due, when a retired key's grace ends.
    /// Tests pass a clock of their own to step through weeks in a moment.
    std::function<TimePoint()> clock = system_seconds;
};

/// Brings one managed certificate up to date, under the caller's StateLock of `state_dir`:
/// renews it when due (crash-safe: the pending renewal, its key and order are saved before they
/// are acted on, so a rerun carries on), reruns a deploy hook that has not succeeded yet, and
/// destroys the retired keys whose grace period is over. Returns one line saying what was done.
/// A failure is saved as the certificate's last_error and thrown as Error.
std::string renew_certificate(CaSession& ca, const config::CertificateConfig& certificate,
                              const std::filesystem::path& state_dir,
                              const RenewalSettings& settings);

}  // namespace hwacme::service
