#include "agent/service/managed_status.h"

#include "agent/service/ca_session.h"
#include "agent/service/managed_run.h"
#include "common/rfc3339.h"

namespace hwacme::service {

ManagedStatus managed_status(const RunOptions& command_line,
                             const std::vector<std::string>& names) {
    auto config = config::load_config(command_line.config_path);
    ManagedStatus status{managed_options(command_line, config), {}};
    auto state_dir = status.options.state_path();
    auto now = system_seconds();
    for (auto& certificate : selected_certificates(config, names)) {
        auto state = manage::load_certificate_state(state_dir, certificate.name);
        auto decision = manage::decide_renewal(state, now, false);
        status.certificates.push_back(
            {std::move(certificate), std::move(state), std::move(decision)});
    }
    return status;
}

}  // namespace hwacme::service
