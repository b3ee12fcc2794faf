#include "agent/service/certificate_renewal.h"

#include "agent/manage/deploy_hook.h"
#include "agent/manage/release.h"
#include "common/error.h"
#include "common/rfc3339.h"
#include "keystore/keystore_ability.h"

namespace hwacme::service {

/// Runs the deploy hook of a certificate installed and not yet deployed. A failure keeps
/// deploy_pending, so the next run tries again; the certificate is never rolled back.
void CertificateRenewal::deploy() {
    if (settings_.dry_run || !state_.deploy_pending || !state_.current) return;
    const auto& current = *state_.current;
    if (!cert_.deploy_hook.empty()) {
        auto release = manage::release_at(current.release_dir);
        auto live = cert_.output_dir / "current";
        manage::DeployEvent event{
            .name = cert_.name,
            .cert_path = (live / release.cert.filename()).string(),
            .chain_path = (live / release.chain.filename()).string(),
            .fullchain_path = (live / release.fullchain.filename()).string(),
            .key_uri = current.key_uri,
            .key_path = release.key_file ? (live / release.key_file->filename()).string() : "",
            .serial_hex = current.serial_hex,
            .not_after = format_rfc3339(current.not_after),
            .live_dir = live.string()};
        progress("running deploy hook " + cert_.deploy_hook);
        try {
            manage::run_deploy_hook(cert_.deploy_hook, event);
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

/// Destroys a key in its device; one that is gone already (a rerun after a crash) is fine.
void CertificateRenewal::destroy_key(const std::string& uri) {
    auto parsed = keystore::KeyUri::parse(uri);
    const auto& context = ca_.context();
    auto store = context.registry.open_keystore(parsed, context.global.keystore_options());
    try {
        keystore::require_ability(store->removal(), parsed, "destroy keys").remove(parsed);
    } catch (const Error& e) {
        if (e.code() != Errc::NotFound) throw;
    }
}

}  // namespace hwacme::service
