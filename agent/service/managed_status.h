#pragma once

#include <string>
#include <vector>

#include "agent/config/config.h"
#include "agent/manage/certificate_state.h"
#include "agent/manage/renewal_schedule.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// What `list` and `status` know of one certificate: its configuration, its saved state and
/// the renewal decision now.
struct CertificateView {
    config::CertificateConfig config;
    manage::CertificateState state;
    manage::RenewalDecision decision;
};

struct ManagedStatus {
    RunOptions options;  ///< the command line's, completed from the configuration
    std::vector<CertificateView> certificates;
};

/// The selected certificates (all when `names` is empty) of the configuration the command line
/// names, as their states say now. Read without the state lock: every state write is one rename.
ManagedStatus managed_status(const RunOptions& command_line, const std::vector<std::string>& names);

}  // namespace hwacme::service
