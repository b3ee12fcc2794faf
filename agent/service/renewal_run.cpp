#include "agent/service/renewal_run.h"

#include <openssl/asn1.h>
#include <openssl/x509.h>

#include <ctime>
#include <exception>
#include <random>
#include <vector>

#include "agent/acme/issuance.h"
#include "agent/acme/renewal_info.h"
#include "agent/config/key_template.h"
#include "agent/manage/certificate_state.h"
#include "agent/manage/release.h"
#include "agent/manage/renewal_schedule.h"
#include "agent/service/certificate_files.h"
#include "agent/service/certificate_pipeline.h"
#include "agent/service/certificate_renewal.h"
#include "agent/service/challenge_setup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/rfc3339.h"

namespace hwacme::service {
namespace {

TimePoint time_point_of(const ASN1_TIME* time) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(time, &tm) != 1)
        throw Error(Errc::Protocol, "the CA's certificate has an unreadable validity time");
    return TimePoint(std::chrono::seconds(::timegm(&tm)));
}

std::mt19937_64& random_engine() {
    static std::mt19937_64 engine(std::random_device{}());
    return engine;
}

/// The RFC 9773 identifier of a certificate; empty for one without an authority key id, which
/// then is renewed on its own schedule.
std::string ari_id_of(X509* leaf) {
    try {
        return acme::ari_certificate_id(leaf);
    } catch (const Error& e) {
        log::debug(std::string("no ARI identifier: ") + e.what());
        return {};
    }
}

}  // namespace

std::string CertificateRenewal::run() {
    TimePoint now = settings_.clock();
    if (!settings_.force && !settings_.dry_run && !state_.pending) refresh_ari_window(now);
    auto decision = manage::decide_renewal(state_, now, settings_.force || settings_.dry_run);
    std::string summary;
    std::exception_ptr renewal_failure;
    if (decision.due) {
        progress("renewing (" + decision.reason + ")");
        try {
            summary = renew(now);
        } catch (...) {
            renewal_failure = std::current_exception();
        }
    } else {
        summary = cert_.name + ": not due (" + decision.reason + ")";
        if (state_.deploy_pending) summary += "; deploy hook rerun";
    }
    // Deploy and grace run whatever renewal and hook did: a CA that is down or a hook failing
    // for days must neither leave the installed certificate undeployed nor keep retired keys
    // past their destroy time. The first failure is the one reported.
    std::exception_ptr later_failure;
    try {
        deploy();
    } catch (const std::exception& e) {
        if (renewal_failure)
            log::error(cert_.name + ": " + e.what());
        else
            later_failure = std::current_exception();
    }
    if (!settings_.dry_run) {
        try {
            destroy_expired_keys(settings_.clock());
        } catch (const std::exception& e) {
            if (!renewal_failure && !later_failure) throw;
            log::error(cert_.name + ": " + e.what());
        }
    }
    if (renewal_failure) std::rethrow_exception(renewal_failure);
    if (later_failure) std::rethrow_exception(later_failure);
    if (!state_.last_error.empty()) {
        state_.last_error.clear();
        save();
    }
    return summary;
}

void CertificateRenewal::record_failure(const std::string& message) noexcept {
    try {
        state_.last_error = message;
        save();
    } catch (const std::exception& e) {
        log::error(cert_.name + ": cannot save its last error: " + e.what());
    }
}

/// RFC 9773 §4.3: asks the CA for its suggested window again once the last answer's
/// Retry-After has passed, and moves renew_at into the window when it lies outside.
void CertificateRenewal::refresh_ari_window(TimePoint now) {
    if (!state_.current || state_.current->ari_id.empty()) return;
    if (state_.ari_checked_until && now < *state_.ari_checked_until) return;
    try {
        if (!ca_.offers_renewal_info()) return;
        manage::CertificateState next = state_;
        auto window = fetch_window(state_.current->ari_id, next, now);
        // Without a window to believe, a time before expiry stands; one an earlier window set
        // past expiry does not.
        bool keep = next.renew_at &&
                    (window ? *next.renew_at >= window->start && *next.renew_at <= window->end
                            : *next.renew_at < state_.current->not_after);
        if (!keep)
            next.renew_at =
                manage::choose_renewal_time(state_.current->not_before, state_.current->not_after,
                                            cert_.renew_before, window, random_engine());
        save(next);
        state_ = std::move(next);
    } catch (const Error& e) {
        log::warning(cert_.name + ": keeping the renewal time; renewalInfo failed: " + e.what());
    }
}

std::optional<manage::SuggestedWindow> CertificateRenewal::fetch_window(
    const std::string& ari_id, manage::CertificateState& state, TimePoint now) {
    auto info = acme::fetch_renewal_info(ca_.context().acme, ari_id);
    if (!info) return std::nullopt;
    state.ari_checked_until = now + info->retry_after;
    manage::SuggestedWindow window{info->window_start, info->window_end};
    if (manage::is_believable(window, state.current->not_after)) return window;
    log::warning(cert_.name + ": not believing the CA's renewal window, which starts " +
                 format_rfc3339(window.start) + ", after the certificate expires (" +
                 format_rfc3339(state.current->not_after) +
                 "); renewing by the certificate's lifetime");
    return std::nullopt;
}

std::string CertificateRenewal::renew(TimePoint now) {
    ca_.account();  // reach the CA and its account before a key is made for it
    manage::PendingRenewal pending = state_.pending ? *state_.pending : begin_renewal(now);
    follow_configured_key(pending);
    const auto& key = ca_.context().keys->select_certificate(
        cert_.name, pending.key_generation,
        {keystore::KeyUri::parse(pending.key_uri), cert_.key_type, true});
    progress(std::string(key.generated ? "generated" : "using") + " key " + pending.key_uri);
    // A rehearsal leaves no key behind that it made itself.
    bool dispose =
        settings_.dry_run && key.generated && cert_.key_policy == config::KeyPolicy::Rotate;
    auto dispose_key = [&]() noexcept {
        if (!dispose) return;
        try {
            destroy_key(pending.key_uri);
            progress("destroyed the dry run's key " + pending.key_uri);
        } catch (const std::exception& e) {
            log::error(cert_.name + ": cannot destroy the dry run's key " + pending.key_uri + ": " +
                       e.what());
        }
    };
    try {
        std::string summary = obtain(pending, key);
        dispose_key();
        return summary;
    } catch (...) {
        dispose_key();
        throw;
    }
}

/// The key a renewal uses is the one the configuration names now: key custody opens no other, so
/// a renewal begun before the configuration's key changed goes on with the new key (the one it
/// had is left in its device, never destroyed unasked).
void CertificateRenewal::follow_configured_key(manage::PendingRenewal& pending) {
    bool rotate = cert_.key_policy == config::KeyPolicy::Rotate;
    std::string configured =
        rotate ? config::key_uri_for_generation(cert_.key_uri, pending.key_generation)
               : cert_.key_uri;
    if (!rotate) pending.key_generation = 0;  // a reused key has none
    if (pending.key_uri == configured) return;
    log::warning(cert_.name + ": the configuration's key changed since this renewal began; using " +
                 configured + " instead of " + pending.key_uri + ", which is left in its device");
    pending.key_uri = configured;
    state_.pending = pending;
    save();
}

/// Names the key of the renewal and saves it before the key exists: a crash after the key was
/// generated then leaves a key the state knows, and the rerun uses that very key.
manage::PendingRenewal CertificateRenewal::begin_renewal(TimePoint now) {
    manage::PendingRenewal pending;
    pending.started = now;
    if (cert_.key_policy == config::KeyPolicy::Rotate) {
        pending.key_generation = state_.last_key_generation + 1;
        pending.key_uri = config::key_uri_for_generation(cert_.key_uri, pending.key_generation);
        state_.last_key_generation = pending.key_generation;
    } else {
        pending.key_uri = cert_.key_uri;
    }
    state_.pending = pending;
    save();
    return pending;
}

class CertificateRenewal::PendingOrder final : public OrderResume {
public:
    PendingOrder(CertificateRenewal& renewal, manage::PendingRenewal& pending)
        : renewal_(renewal), pending_(pending) {}

    std::optional<std::string> saved_url() const override {
        if (pending_.order_url) renewal_.progress("resuming order " + *pending_.order_url);
        return pending_.order_url;
    }
    void save(const acme::Order& order) override {
        if (pending_.order_url == order.url) return;
        pending_.order_url = order.url;
        renewal_.state_.pending = pending_;
        renewal_.save();
        renewal_.progress("order " + order.url + " saved; waiting for validation");
    }
    /// Once installed, the renewal is no longer pending at all; before, only its order is
    /// given up, and the next run orders anew for the same key.
    void forget() override {
        pending_.order_url.reset();
        if (!renewal_.state_.pending || !renewal_.state_.pending->order_url) return;
        renewal_.state_.pending->order_url.reset();
        renewal_.save();
    }

private:
    CertificateRenewal& renewal_;
    manage::PendingRenewal& pending_;
};

/// Publishes the new certificate with its key (one rename makes the pair live), then records it.
class CertificateRenewal::ReleaseSink final : public CertificateSink {
public:
    ReleaseSink(CertificateRenewal& renewal, const manage::PendingRenewal& pending)
        : renewal_(renewal), pending_(pending) {}

    std::string install(const ObtainedCertificate& certificate) override {
        X509* leaf = certificate.leaf.get();
        manage::InstalledCertificate installed{
            .serial_hex = summarize(leaf).serial_hex,
            .key_uri = pending_.key_uri,
            .key_generation = pending_.key_generation,
            .not_before = time_point_of(X509_get0_notBefore(leaf)),
            .not_after = time_point_of(X509_get0_notAfter(leaf)),
            .ari_id = ari_id_of(leaf),
            .release_dir = {}};
        const auto& cert = renewal_.cert_;
        auto release = manage::write_release(cert.output_dir, installed.serial_hex,
                                             certificate.chain, installed.key_uri, cert.file_mode);
        manage::activate_release(cert.output_dir, release);
        installed.release_dir = release.dir;
        renewal_.progress("installed serial " + installed.serial_hex + " in " +
                          release.dir.string());
        return renewal_.record_installed(installed);
    }

private:
    CertificateRenewal& renewal_;
    const manage::PendingRenewal& pending_;
};

std::string CertificateRenewal::obtain(manage::PendingRenewal& pending,
                                       const custody::HeldKey& key) {
    ChallengeSetup challenge = set_up_challenge(cert_.challenge);
    CertificateOrder order{.names = cert_.identifiers,
                           .key_uri = pending.key_uri,
                           .timeout = settings_.timeout,
                           .order_options = {},
                           .preferred_chain = cert_.preferred_chain};
    // RFC 9773 §5: tell the CA which certificate this one replaces, when it takes part in ARI.
    if (!settings_.dry_run && state_.current && !state_.current->ari_id.empty() &&
        ca_.offers_renewal_info())
        order.order_options.replaces = state_.current->ari_id;
    if (!cert_.profile.empty()) order.order_options.profile = cert_.profile;
    PendingOrder resume(*this, pending);
    ReleaseSink sink(*this, pending);
    return obtain_and_install(ca_.account(), key.csr, *challenge.solver, order, resume, sink);
}

/// Saves the certificate just made live as current: the previous key retires into its grace
/// period, the pending renewal is done, the deploy hook is owed, the next renewal is chosen.
std::string CertificateRenewal::record_installed(const manage::InstalledCertificate& installed) {
    TimePoint now = settings_.clock();
    manage::CertificateState next = state_;
    auto previous = state_.current;
    if (previous && previous->key_uri != installed.key_uri)
        next.retired_keys.push_back({previous->key_uri, previous->serial_hex, previous->release_dir,
                                     now + cert_.key_grace_period});
    next.current = installed;
    next.pending.reset();
    next.deploy_pending = true;
    if (cert_.renew_before &&
        !manage::renew_before_fits(installed.not_before, installed.not_after, *cert_.renew_before))
        log::warning(cert_.name +
                     ": renew_before reaches back to the start of a certificate valid "
                     "until " +
                     format_rfc3339(installed.not_after) +
                     "; renewing when a third of its lifetime is left instead");
    next.renew_at =
        manage::choose_renewal_time(installed.not_before, installed.not_after, cert_.renew_before,
                                    window_of_new(installed.ari_id, next, now), random_engine());
    manage::append_history(next,
                           {now, installed.serial_hex, installed.key_uri, installed.not_after});
    next.last_error.clear();
    save(next);
    state_ = std::move(next);

    // A reused key keeps serving; only the previous certificate's files are left to remove.
    if (previous && previous->key_uri == installed.key_uri &&
        previous->release_dir != installed.release_dir) {
        try {
            manage::remove_release(cert_.output_dir, previous->release_dir);
        } catch (const Error& e) {
            log::warning(cert_.name + ": cannot remove the previous release: " + e.what());
        }
    }
    return cert_.name + ": renewed: serial " + installed.serial_hex + ", not after " +
           format_rfc3339(installed.not_after) + ", key " + installed.key_uri + ", next renewal " +
           format_rfc3339(*state_.renew_at);
}

/// The CA's suggested window for a certificate just issued; nullopt when the CA offers none or
/// does not answer now, and the certificate's lifetime decides instead.
std::optional<manage::SuggestedWindow> CertificateRenewal::window_of_new(
    const std::string& ari_id, manage::CertificateState& state, TimePoint now) {
    state.ari_checked_until.reset();
    if (ari_id.empty()) return std::nullopt;
    try {
        if (!ca_.offers_renewal_info()) return std::nullopt;
        return fetch_window(ari_id, state, now);
    } catch (const Error& e) {
        log::warning(cert_.name + ": no renewalInfo window yet: " + e.what());
        return std::nullopt;
    }
}

std::string renew_certificate(CaSession& ca, const config::CertificateConfig& certificate,
                              const std::filesystem::path& state_dir,
                              const RenewalSettings& settings) {
    CertificateRenewal renewal(ca, certificate, state_dir, settings);
    try {
        return renewal.run();
    } catch (const std::exception& e) {
        renewal.record_failure(e.what());
        throw;
    }
}

}  // namespace hwacme::service
