#include "agent/service/certificate_renewal.h"

#include "agent/manage/release.h"
#include "agent/service/certificate_deploy.h"
#include "common/error.h"

namespace hwacme::service {

/// Runs the deploy hook of a certificate installed and not yet deployed. A failure keeps
/// deploy_pending, so the next run tries again; the certificate is never rolled back.
void CertificateRenewal::deploy() {
    if (settings_.dry_run || !state_.deploy_pending || !state_.current) return;
    const auto& current = *state_.current;
    if (!cert_.deploy_hook.empty()) {
        progress("running deploy hook " + cert_.deploy_hook);
        try {
            run_certificate_deploy_hook(cert_, current);
        } catch (const Error& e) {
            throw Error(e.code(), "serial " + current.serial_hex +
                                      " is installed but its deploy hook failed (retried on "
                                      "the next run): " +
                                      e.what());
        }
    }
    state_.deploy_pending = false;
    save();
}

/// Destroys, in their devices, the retired keys whose grace period is over, and their
/// releases. A key leaves the state only once both are gone, so a failure is retried.
void CertificateRenewal::destroy_expired_keys(TimePoint now) {
    std::string failures;
    for (auto it = state_.retired_keys.begin(); it != state_.retired_keys.end();) {
        if (it->destroy_after > now || in_use(it->key_uri)) {
            ++it;
            continue;
        }
        try {
            destroy_key(it->key_uri);
            manage::remove_release(cert_.output_dir, it->release_dir);
        } catch (const Error& e) {
            failures += (failures.empty() ? "" : "; ") + it->key_uri + ": " + e.what();
            ++it;
            continue;
        }
        progress("destroyed retired key " + it->key_uri + " of serial " + it->serial_hex);
        it = state_.retired_keys.erase(it);
        save();
    }
    if (!failures.empty())
        throw Error(Errc::DeviceFailure, "cannot destroy retired keys: " + failures);
}

/// Destroys a key in its device (custody's, in a network process); one that is gone already
/// (a rerun after a crash) is fine.
void CertificateRenewal::destroy_key(const std::string& uri) {
    ca_.context().keys->destroy_key(cert_.name, uri);
}

}  // namespace hwacme::service
