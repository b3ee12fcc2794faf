#include "agent/manage/renewal_schedule.h"

#include <catch2/catch.hpp>

#include "common/error.h"

using namespace hwacme;
using namespace hwacme::manage;
using namespace std::chrono;

namespace {

const TimePoint kNotBefore = sys_days(2026y / November / 1);
const TimePoint kNotAfter = kNotBefore + days(90);
constexpr int kSeeds = 2000;

// The earliest and latest times chosen over many seeds.
template <class Choose>
std::pair<TimePoint, TimePoint> range_over_seeds(Choose choose) {
    TimePoint earliest = TimePoint::max(), latest = TimePoint::min();
    for (int seed = 0; seed < kSeeds; ++seed) {
        std::mt19937_64 random(seed);
        TimePoint time = choose(random);
        earliest = std::min(earliest, time);
        latest = std::max(latest, time);
    }
    return {earliest, latest};
}

CertificateState installed(std::optional<TimePoint> renew_at = std::nullopt) {
    CertificateState state;
    state.current = InstalledCertificate{"0A", "file:/k", 0, kNotBefore, kNotAfter, "", ""};
    state.renew_at = renew_at;
    return state;
}

}  // namespace

TEST_CASE("with an ARI window the renewal time is spread inside the window", "[unit]") {
    SuggestedWindow window{kNotAfter - days(40), kNotAfter - days(38)};
    auto [earliest, latest] = range_over_seeds([&](std::mt19937_64& random) {
        return choose_renewal_time(kNotBefore, kNotAfter, hours(24 * 10), window, random);
    });
    CHECK(earliest >= window.start);
    CHECK(latest <= window.end);
    // Spread over the window, not bunched at one end (2000 draws over 48 hours).
    CHECK(earliest < window.start + hours(1));
    CHECK(latest > window.end - hours(1));
}

TEST_CASE("an ARI window that ends before it starts gives its start", "[unit]") {
    std::mt19937_64 random(7);
    SuggestedWindow window{kNotAfter - days(10), kNotAfter - days(11)};
    CHECK(choose_renewal_time(kNotBefore, kNotAfter, std::nullopt, window, random) == window.start);
}

TEST_CASE("renew_before renews that long before expiry minus a tenth of jitter", "[unit]") {
    auto renew_before = hours(24 * 20);
    auto [earliest, latest] = range_over_seeds([&](std::mt19937_64& random) {
        return choose_renewal_time(kNotBefore, kNotAfter, renew_before, std::nullopt, random);
    });
    CHECK(latest <= kNotAfter - renew_before);
    CHECK(earliest >= kNotAfter - renew_before - renew_before / 10);
    CHECK(latest > kNotAfter - renew_before - hours(1));
    CHECK(earliest < kNotAfter - renew_before - renew_before / 10 + hours(1));
}

TEST_CASE("a renew_before as long as the lifetime falls back to a third of it", "[unit]") {
    // 30 days before expiry on a 6-day certificate would be due the moment it is issued, and
    // renew it on every run.
    TimePoint not_after = kNotBefore + days(6);
    CHECK_FALSE(renew_before_fits(kNotBefore, not_after, days(30)));
    CHECK_FALSE(renew_before_fits(kNotBefore, not_after, days(6)));
    // With up to a tenth more of jitter, 132 h reaches back past the 144 h lifetime.
    CHECK_FALSE(renew_before_fits(kNotBefore, not_after, hours(132)));
    CHECK(renew_before_fits(kNotBefore, not_after, hours(130)));
    CHECK(renew_before_fits(kNotBefore, not_after, days(2)));
    for (int seed = 0; seed < kSeeds; ++seed) {
        std::mt19937_64 random(seed);
        auto time = choose_renewal_time(kNotBefore, not_after, days(30), std::nullopt, random);
        REQUIRE(time <= not_after - days(2));
        REQUIRE(time > kNotBefore);
    }
}

TEST_CASE("by default a certificate renews when a third of its lifetime remains", "[unit]") {
    auto lifetime = kNotAfter - kNotBefore;
    auto [earliest, latest] = range_over_seeds([&](std::mt19937_64& random) {
        return choose_renewal_time(kNotBefore, kNotAfter, std::nullopt, std::nullopt, random);
    });
    CHECK(latest <= kNotAfter - days(30));
    CHECK(earliest >= kNotAfter - days(30) - lifetime / 30);
    CHECK(latest > kNotAfter - days(30) - hours(1));
    CHECK(earliest < kNotAfter - days(30) - lifetime / 30 + hours(1));
}

TEST_CASE("a short-lived certificate also renews with a third of its lifetime left", "[unit]") {
    TimePoint not_after = kNotBefore + hours(6 * 24);
    for (int seed = 0; seed < kSeeds; ++seed) {
        std::mt19937_64 random(seed);
        auto time = choose_renewal_time(kNotBefore, not_after, std::nullopt, std::nullopt, random);
        REQUIRE(time <= not_after - hours(2 * 24));
        REQUIRE(time >= not_after - hours(2 * 24) - seconds(hours(6 * 24)) / 30);
    }
}

TEST_CASE("the same seed chooses the same renewal time", "[unit]") {
    std::mt19937_64 a(42), b(42);
    CHECK(choose_renewal_time(kNotBefore, kNotAfter, std::nullopt, std::nullopt, a) ==
          choose_renewal_time(kNotBefore, kNotAfter, std::nullopt, std::nullopt, b));
}

TEST_CASE("a certificate never issued is due", "[unit]") {
    CertificateState state;
    state.pending = PendingRenewal{"file:/k", 1, std::nullopt, kNotBefore};
    auto decision = decide_renewal(state, kNotBefore, false);
    CHECK(decision.due);
    CHECK(decision.reason == "not issued yet");
    CHECK_FALSE(decision.renew_at.has_value());
}

TEST_CASE("an unfinished renewal is carried on before its time", "[unit]") {
    auto state = installed(kNotAfter - days(30));
    state.pending = PendingRenewal{"file:/k2", 1, "https://ca/order/1", kNotBefore};
    auto decision = decide_renewal(state, kNotBefore + days(1), false);
    CHECK(decision.due);
    CHECK(decision.reason == "renewal in progress");
    CHECK(decision.renew_at == kNotAfter - days(30));
}

TEST_CASE("force renews a certificate that is not due", "[unit]") {
    auto decision = decide_renewal(installed(kNotAfter - days(30)), kNotBefore, true);
    CHECK(decision.due);
    CHECK(decision.reason == "forced");
}

TEST_CASE("a certificate is due from its chosen renewal time on", "[unit]") {
    auto renew_at = sys_days(2026y / December / 1) + hours(3);
    auto state = installed(renew_at);
    state.deploy_pending = true;  // the caller's business: it is no reason to renew

    auto before = decide_renewal(state, renew_at - seconds(1), false);
    CHECK_FALSE(before.due);
    CHECK(before.reason == "next renewal at 2026-12-01T03:00:00Z");
    CHECK(before.renew_at == renew_at);

    auto at = decide_renewal(state, renew_at, false);
    CHECK(at.due);
    CHECK(at.reason == "due since 2026-12-01T03:00:00Z");
}

TEST_CASE("a state without a chosen time renews with a third of the lifetime left", "[unit]") {
    auto state = installed();
    auto decision = decide_renewal(state, kNotBefore, false);
    CHECK_FALSE(decision.due);
    CHECK(decision.renew_at == kNotAfter - days(30));
    CHECK(decide_renewal(state, kNotAfter - days(30), false).due);
}
