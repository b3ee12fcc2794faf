#include "agent/service/certificate_deploy.h"

#include "agent/custody/custody_connection.h"
#include "agent/manage/release.h"
#include "common/error.h"
#include "common/rfc3339.h"

namespace hwacme::service {

manage::DeployEvent deploy_event(const config::CertificateConfig& certificate,
                                 const manage::InstalledCertificate& installed) {
    auto release = manage::release_at(installed.release_dir);
    auto live = certificate.output_dir / "current";
    return {.name = certificate.name,
            .cert_path = (live / release.cert.filename()).string(),
            .chain_path = (live / release.chain.filename()).string(),
            .fullchain_path = (live / release.fullchain.filename()).string(),
            .key_uri = installed.key_uri,
            .key_path = release.key_file ? (live / release.key_file->filename()).string() : "",
            .serial_hex = installed.serial_hex,
            .not_after = format_rfc3339(installed.not_after),
            .live_dir = live.string()};
}

void run_certificate_deploy_hook(const config::CertificateConfig& certificate,
                                 const manage::InstalledCertificate& installed) {
    const auto* custody = custody::network_client();
    if (!custody) {
        manage::run_deploy_hook(certificate.deploy_hook, deploy_event(certificate, installed));
        return;
    }
    auto reply = custody->ask(custody::DeployHookRequest{certificate.name});
    const auto* hook = std::get_if<custody::HookReply>(&reply);
    if (!hook)
        throw Error(Errc::Protocol,
                    "key custody answered a deploy hook request with another reply");
    if (!hook->succeeded) throw Error(Errc::InvalidArgument, hook->outcome);
}

}  // namespace hwacme::service
