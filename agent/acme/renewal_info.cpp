#include "agent/acme/renewal_info.h"

#include <openssl/asn1.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>

#include "common/base64url.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::acme {
namespace {

// RFC 9773 §4.3: never ask more often than once a minute, nor trust a delay past a day; six
// hours when the CA gives none.
constexpr std::chrono::seconds kMinRetryAfter{60};
constexpr std::chrono::seconds kMaxRetryAfter{std::chrono::hours(24)};
constexpr std::chrono::seconds kDefaultRetryAfter{std::chrono::hours(6)};

/// The content octets of the DER INTEGER, without tag and length: RFC 9773 §4.1 keeps the
/// leading 0x00 that makes a serial with its top bit set positive.
Bytes serial_content_bytes(X509* certificate) {
    const ASN1_INTEGER* serial = X509_get0_serialNumber(certificate);
    int der_length = i2d_ASN1_INTEGER(serial, nullptr);
    if (der_length <= 0)
        throw Error(Errc::InvalidArgument, "the certificate's serial number cannot be encoded");
    Bytes der(static_cast<std::size_t>(der_length));
    unsigned char* out = der.data();
    i2d_ASN1_INTEGER(serial, &out);
    const unsigned char* content = der.data();
    long content_length = 0;
    int tag = 0;
    int tag_class = 0;
    if (ASN1_get_object(&content, &content_length, &tag, &tag_class, der_length) & 0x80)
        throw Error(Errc::InvalidArgument, "the certificate's serial number is malformed DER");
    return {content, content + content_length};
}

bool parse_digits(std::string_view text, std::size_t pos, std::size_t count, int& value) {
    if (pos + count > text.size()) return false;
    auto digits = text.substr(pos, count);
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return true;
}

/// RFC 3339 §5.6 date-time; fractional seconds are dropped.
std::optional<std::chrono::sys_seconds> parse_rfc3339(std::string_view text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    auto separator_at = [&](std::size_t pos, char wanted) {
        return pos < text.size() && std::toupper(static_cast<unsigned char>(text[pos])) == wanted;
    };
    if (!parse_digits(text, 0, 4, year) || !separator_at(4, '-') ||
        !parse_digits(text, 5, 2, month) || !separator_at(7, '-') ||
        !parse_digits(text, 8, 2, day) || !separator_at(10, 'T') ||
        !parse_digits(text, 11, 2, hour) || !separator_at(13, ':') ||
        !parse_digits(text, 14, 2, minute) || !separator_at(16, ':') ||
        !parse_digits(text, 17, 2, second))
        return std::nullopt;
    std::size_t pos = 19;
    if (separator_at(pos, '.')) {
        ++pos;
        std::size_t digits_start = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
        if (pos == digits_start) return std::nullopt;
    }
    std::chrono::seconds offset{0};
    if (separator_at(pos, 'Z')) {
        ++pos;
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        int offset_hours = 0, offset_minutes = 0;
        if (!parse_digits(text, pos + 1, 2, offset_hours) || !separator_at(pos + 3, ':') ||
            !parse_digits(text, pos + 4, 2, offset_minutes) || offset_hours > 23 ||
            offset_minutes > 59)
            return std::nullopt;
        offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
        if (text[pos] == '-') offset = -offset;
        pos += 6;
    } else {
        return std::nullopt;
    }
    std::chrono::year_month_day date{std::chrono::year(year),
                                     std::chrono::month(static_cast<unsigned>(month)),
                                     std::chrono::day(static_cast<unsigned>(day))};
    // Second 60 is a leap second (RFC 3339 §5.7); sys_seconds has none, so it folds forward.
    if (pos != text.size() || !date.ok() || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    return std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
           std::chrono::seconds(second) - offset;
}

std::chrono::sys_seconds window_time(const boost::json::object& window, std::string_view name,
                                     const std::string& url) {
    const auto* value = window.if_contains(name);
    std::optional<std::chrono::sys_seconds> time;
    if (value && value->is_string()) time = parse_rfc3339(value->as_string());
    if (!time)
        throw Error(Errc::Protocol, "the renewal information at " + url + " has no valid " +
                                        "suggestedWindow." + std::string(name) + " time");
    return *time;
}

std::chrono::seconds clamp_retry_after(const http::Response& response) {
    auto retry = http::parse_retry_after(response.header("retry-after").value_or(""));
    if (!retry) return kDefaultRetryAfter;
    return std::clamp(*retry, kMinRetryAfter, kMaxRetryAfter);
}

RenewalInfo parse_renewal_info(const http::Response& response, const std::string& url) {
    auto body = json_body(response, "renewal information (" + url + ")");
    const auto* window = body.if_contains("suggestedWindow");
    if (!window || !window->is_object())
        throw Error(Errc::Protocol,
                    "the renewal information at " + url + " has no suggestedWindow object");
    RenewalInfo info;
    info.window_start = window_time(window->as_object(), "start", url);
    info.window_end = window_time(window->as_object(), "end", url);
    if (info.window_end <= info.window_start)
        throw Error(Errc::Protocol, "the renewal information at " + url +
                                        " suggests a window that ends before it starts");
    if (const auto* explanation = body.if_contains("explanationURL");
        explanation && explanation->is_string())
        info.explanation_url = std::string(explanation->as_string());
    info.retry_after = clamp_retry_after(response);
    return info;
}

}  // namespace

std::string ari_certificate_id(X509* certificate) {
    const ASN1_OCTET_STRING* key_id = X509_get0_authority_key_id(certificate);
    if (key_id == nullptr || ASN1_STRING_length(key_id) == 0)
        throw Error(Errc::InvalidArgument,
                    "the certificate has no authority key identifier, which ARI (RFC 9773) needs "
                    "to name it");
    ByteView key_id_bytes(ASN1_STRING_get0_data(key_id),
                          static_cast<std::size_t>(ASN1_STRING_length(key_id)));
    return base64url_encode(key_id_bytes) + "." +
           base64url_encode(serial_content_bytes(certificate));
}

std::optional<RenewalInfo> fetch_renewal_info(Client& acme, const std::string& certificate_id) {
    const auto& base = acme.directory().renewal_info;
    if (!base) return std::nullopt;
    std::string url = *base;
    if (url.empty() || url.back() != '/') url += '/';
    url += certificate_id;
    // RFC 9773 §4.2: an unauthenticated GET, not a POST-as-GET.
    return parse_renewal_info(acme.http().get(url), url);
}

}  // namespace hwacme::acme
