#pragma once

#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "agent/manage/certificate_state.h"

namespace hwacme::manage {

/// RFC 9773 §4.2 suggestedWindow, as fetched for the installed certificate.
struct SuggestedWindow {
    TimePoint start;
    TimePoint end;
};

/// False for a window that starts when the certificate has expired already: renewing then would
/// leave the name without a valid certificate, so such a window is not believed.
bool is_believable(const SuggestedWindow& window, TimePoint not_after);

/// False when `renew_before`, with its jitter, reaches back to the certificate's start: such a
/// certificate would be due from the moment it is issued, and renewed on every run.
bool renew_before_fits(TimePoint not_before, TimePoint not_after,
                       std::chrono::seconds renew_before);

/// When to renew a certificate valid from `not_before` to `not_after`:
/// - with a believable ARI window: a uniformly random time inside it (RFC 9773 §4.2);
/// - else with a `renew_before` that fits: not_after - renew_before, minus a random jitter of up
///   to 1/10 of renew_before (so a fleet does not renew in the same second);
/// - else when one third of the lifetime remains, minus up to 1/30 of the lifetime of jitter.
TimePoint choose_renewal_time(TimePoint not_before, TimePoint not_after,
                              const std::optional<std::chrono::seconds>& renew_before,
                              const std::optional<SuggestedWindow>& ari_window,
                              std::mt19937_64& random);

/// Why a certificate is or is not renewed now, for `renew` and `status`.
struct RenewalDecision {
    bool due = false;
    std::optional<TimePoint> renew_at;  ///< unset when there is no certificate yet
    std::string reason;  ///< "not issued yet", "forced", "renewal in progress", "ARI window", …
};

RenewalDecision decide_renewal(const CertificateState& state, TimePoint now, bool force);

}  // namespace hwacme::manage
