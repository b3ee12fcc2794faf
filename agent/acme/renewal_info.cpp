#include "agent/acme/renewal_info.h"

#include <openssl/asn1.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/json.hpp>

#include "common/base64url.h"
#include "common/error.h"
#include "common/log.h"
#include "common/rfc3339.h"

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
