#include "agent/http/url_policy.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include "common/c_handle.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::http {
namespace {

using CurlUrlPtr = CHandle<CURLU, &curl_url_cleanup>;

struct SchemeAndHost {
    std::string scheme;  ///< lower case, as curl gives it
    std::string host;    ///< an IPv6 literal without its brackets
};

std::optional<std::string> url_part(CURLU* url, CURLUPart part) {
    char* value = nullptr;
    if (curl_url_get(url, part, &value, 0) != CURLUE_OK || !value) return std::nullopt;
    std::string text(value);
    curl_free(value);
    return text;
}

// curl's own parser: the one that decides where the request goes.
std::optional<SchemeAndHost> scheme_and_host(std::string_view text) {
    CurlUrlPtr url(curl_url());
    if (!url) throw Error(Errc::Network, "out of memory parsing a URL");
    if (curl_url_set(url.get(), CURLUPART_URL, std::string(text).c_str(), 0) != CURLUE_OK)
        return std::nullopt;
    auto scheme = url_part(url.get(), CURLUPART_SCHEME);
    auto host = url_part(url.get(), CURLUPART_HOST);
    if (!scheme || !host) return std::nullopt;
    if (host->size() > 2 && host->front() == '[' && host->back() == ']')
        *host = host->substr(1, host->size() - 2);
    return SchemeAndHost{*scheme, *host};
}

bool is_loopback(const std::string& host) {
    if (host == "localhost") return true;
    in_addr v4{};
    if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
    in6_addr v6{};
    return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

bool is_loopback_http(const std::optional<SchemeAndHost>& url) {
    return url && url->scheme == "http" && is_loopback(url->host);
}

}  // namespace

std::optional<std::string> directory_url_problem(std::string_view url) {
    auto parsed = scheme_and_host(url);
    if (parsed && (parsed->scheme == "https" || is_loopback_http(parsed))) return std::nullopt;
    return "'" + log::printable(url) +
           "' is not an https:// URL (plain http only for a CA on this machine's loopback)";
}

void require_followable(std::string_view url, std::string_view directory_url,
                        std::string_view what) {
    auto parsed = scheme_and_host(url);
    if (parsed && parsed->scheme == "https") return;
    if (is_loopback_http(parsed) && is_loopback_http(scheme_and_host(directory_url))) return;
    throw Error(Errc::Protocol,
                "the CA gave " + std::string(what) + " URL '" + log::printable(url) +
                    "', which is not https: hwacme sends nothing there (directory " +
                    std::string(directory_url) + ")");
}

}  // namespace hwacme::http
