#include "agent/manage/renewal_schedule.h"

#include "common/rfc3339.h"

namespace hwacme::manage {
namespace {

using std::chrono::seconds;

// A uniformly random duration in [0, max]; none when max is not positive.
seconds random_up_to(seconds max, std::mt19937_64& random) {
    if (max <= seconds(0)) return seconds(0);
    std::uniform_int_distribution<seconds::rep> pick(0, max.count());
    return seconds(pick(random));
}

// When one third of the lifetime remains (the remedy Let's Encrypt recommends for 90-day and
// shorter certificates alike).
TimePoint one_third_left(TimePoint not_before, TimePoint not_after) {
    return not_after - (not_after - not_before) / 3;
}

}  // namespace

bool is_believable(const SuggestedWindow& window, TimePoint not_after) {
    return window.start < not_after;
}

bool renew_before_fits(TimePoint not_before, TimePoint not_after, seconds renew_before) {
    return not_after - renew_before - renew_before / 10 > not_before;
}

TimePoint choose_renewal_time(TimePoint not_before, TimePoint not_after,
                              const std::optional<seconds>& renew_before,
                              const std::optional<SuggestedWindow>& ari_window,
                              std::mt19937_64& random) {
    if (ari_window && is_believable(*ari_window, not_after)) {
        // RFC 9773 §4.2: a uniformly random time in the window spreads the CA's load.
        return ari_window->start + random_up_to(ari_window->end - ari_window->start, random);
    }
    if (renew_before && renew_before_fits(not_before, not_after, *renew_before))
        return not_after - *renew_before - random_up_to(*renew_before / 10, random);
    return one_third_left(not_before, not_after) -
           random_up_to((not_after - not_before) / 30, random);
}

RenewalDecision decide_renewal(const CertificateState& state, TimePoint now, bool force) {
    RenewalDecision decision;
    if (!state.current) {
        decision.due = true;
        decision.reason = "not issued yet";
        return decision;
    }
    // A state written before a time was chosen: the unjittered time is as good and stable.
    decision.renew_at = state.renew_at.value_or(
        one_third_left(state.current->not_before, state.current->not_after));
    if (state.pending) {
        decision.due = true;
        decision.reason = "renewal in progress";
    } else if (force) {
        decision.due = true;
        decision.reason = "forced";
    } else if (now >= *decision.renew_at) {
        decision.due = true;
        decision.reason = "due since " + format_rfc3339(*decision.renew_at);
    } else {
        decision.reason = "next renewal at " + format_rfc3339(*decision.renew_at);
    }
    return decision;
}

}  // namespace hwacme::manage
