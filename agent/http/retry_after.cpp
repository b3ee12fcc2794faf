#include <locale.h>
#include <time.h>

#include <charconv>
#include <ctime>
#include <type_traits>

#include "agent/http/http_client.h"
#include "common/c_handle.h"

namespace hwacme::http {
namespace {

using LocalePtr = CHandle<std::remove_pointer_t<locale_t>, &freelocale>;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::chrono::seconds> parse_delta_seconds(std::string_view text) {
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || seconds < 0) return std::nullopt;
    return std::chrono::seconds(seconds);
}

/// RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms that recipients
/// must still accept. Day and month names are English whatever the process locale is, hence
/// strptime_l with the C locale.
std::optional<std::chrono::system_clock::time_point> parse_http_date(const std::string& text) {
    static const LocalePtr c_locale(newlocale(LC_ALL_MASK, "C", nullptr));
    if (!c_locale) return std::nullopt;
    for (const char* format :
         {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"}) {
        std::tm fields{};
        const char* end = strptime_l(text.c_str(), format, &fields, c_locale.get());
        if (end == nullptr || *end != '\0') continue;
        std::time_t seconds = timegm(&fields);
        if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
        return std::chrono::system_clock::from_time_t(seconds);
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
    if (*date <= now) return std::chrono::seconds(0);
    return std::chrono::ceil<std::chrono::seconds>(*date - now);
}

}  // namespace hwacme::http
