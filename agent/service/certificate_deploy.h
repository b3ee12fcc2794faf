#pragma once

#include "agent/config/config.h"
#include "agent/manage/certificate_state.h"
#include "agent/manage/deploy_hook.h"

namespace hwacme::service {

/// What the deploy hook of `certificate` is told about `installed`, the release its `current`
/// link points to: paths through the link, so the hook's files stay valid after the next
/// renewal moves the link.
manage::DeployEvent deploy_event(const config::CertificateConfig& certificate,
                                 const manage::InstalledCertificate& installed);

/// Runs the configured deploy hook of `certificate` for `installed`: here, or in a network
/// process (which may start no program) by key custody, which builds the event itself from the
/// configuration and state. Error{InvalidArgument} naming the hook and how it failed.
void run_certificate_deploy_hook(const config::CertificateConfig& certificate,
                                 const manage::InstalledCertificate& installed);

}  // namespace hwacme::service
