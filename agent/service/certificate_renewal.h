#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "agent/acme/issuance.h"
#include "agent/custody/run_keys.h"
#include "agent/manage/certificate_state.h"
#include "agent/manage/renewal_schedule.h"
#include "agent/service/certificate_pipeline.h"
#include "agent/service/renewal_run.h"
#include "common/log.h"

namespace hwacme::service {

/// One certificate's pass of a run: its state is loaded once, changed step by step and saved
/// after every step that a rerun after a crash must know about. renewal_run.cpp renews and
/// installs; certificate_upkeep.cpp deploys and destroys retired keys.
class CertificateRenewal {
public:
    CertificateRenewal(CaSession& ca, const config::CertificateConfig& certificate,
                       std::filesystem::path state_dir, const RenewalSettings& settings)
        : ca_(ca),
          cert_(certificate),
          state_dir_(std::move(state_dir)),
          settings_(settings),
          state_(manage::load_certificate_state(state_dir_, cert_.name)) {}

    std::string run();
    /// Remembers why the run failed; a failure to save that is only logged, since it must not
    /// hide the failure itself.
    void record_failure(const std::string& message) noexcept;

private:
    void save(const manage::CertificateState& state) {
        manage::save_certificate_state(state_dir_, cert_.name, state);
    }
    void save() { save(state_); }
    void progress(const std::string& message) const { log::info(cert_.name + ": " + message); }

    void refresh_ari_window(TimePoint now);
    std::optional<manage::SuggestedWindow> fetch_window(const std::string& ari_id,
                                                        manage::CertificateState& state,
                                                        TimePoint now);
    std::string renew(TimePoint now);
    manage::PendingRenewal begin_renewal(TimePoint now);
    void follow_configured_key(manage::PendingRenewal& pending);
    std::string obtain(manage::PendingRenewal& pending, const custody::HeldKey& key);
    std::string record_installed(const manage::InstalledCertificate& installed);
    std::optional<manage::SuggestedWindow> window_of_new(const std::string& ari_id,
                                                         manage::CertificateState& state,
                                                         TimePoint now);
    void deploy();
    void destroy_expired_keys(TimePoint now);
    void destroy_key(const std::string& uri);
    bool in_use(const std::string& key_uri) const {
        return (state_.current && state_.current->key_uri == key_uri) ||
               (state_.pending && state_.pending->key_uri == key_uri);
    }

    class PendingOrder;  // the pending renewal as the order to resume
    class ReleaseSink;   // a release made live by the `current` link, then recorded

    CaSession& ca_;
    const config::CertificateConfig& cert_;
    std::filesystem::path state_dir_;
    const RenewalSettings& settings_;
    manage::CertificateState state_;
};

}  // namespace hwacme::service
