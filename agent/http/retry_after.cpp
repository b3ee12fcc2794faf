#include <locale.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <type_traits>

#include "agent/http/http_client.h"
#include "common/c_handle.h"

namespace hwacme::http {
namespace {

using LocalePtr = CHandle<std::remove_pointer_t<locale_t>, &freelocale>;

// No CA needs a client to come back later than tomorrow, and any longer a wait is a hung agent;
// the bound also keeps every sum of waits and deadlines far from overflowing.
constexpr std::int64_t kMaxRetryAfterSeconds = 24 * 60 * 60;

std::chrono::seconds clamped(std::int64_t seconds) {
    return std::chrono::seconds(std::clamp<std::int64_t>(seconds, 0, kMaxRetryAfterSeconds));
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::chrono::seconds> parse_delta_seconds(std::string_view text) {
    bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                               [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) return std::nullopt;
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    // Digits only, so the one failure left is a number past int64: far beyond the bound.
    if (ec == std::errc::result_out_of_range) return clamped(kMaxRetryAfterSeconds);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return clamped(seconds);
}

/// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms that recipients
/// must still accept. Day and month names are English whatever the process locale is, hence
/// strptime_l with the C locale. Seconds since the epoch, compared with now as plain numbers:
/// a system_clock time point overflows outside the years 1678-2262.
std::optional<std::time_t> parse_http_date(const std::string& text) {
    static const LocalePtr c_locale(newlocale(LC_ALL_MASK, "C", nullptr));
    if (!c_locale) return std::nullopt;
    for (const char* format :
         {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
        std::tm fields{};
        const char* end = strptime_l(text.c_str(), format, &fields, c_locale.get());
        if (end == nullptr || *end != '\0') continue;
        std::time_t seconds = timegm(&fields);
        if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
        return seconds;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now) {
    value = trim(value);
    if (value.empty()) return std::nullopt;
    if (value.front() >= '0' && value.front() <= '9') return parse_delta_seconds(value);
    auto date = parse_http_date(std::string(value));
    if (!date) return std::nullopt;
    // strptime caps the year at four digits: both values are within ±2^38 s, so no overflow.
    // Whole seconds of now, rounded down, round the delay up.
    std::int64_t now_seconds =
        std::chrono::floor<std::chrono::seconds>(now.time_since_epoch()).count();
    return clamped(static_cast<std::int64_t>(*date) - now_seconds);
}

}  // namespace hwacme::http
