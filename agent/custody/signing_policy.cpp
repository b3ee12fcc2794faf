#include "agent/custody/signing_policy.h"

#include <curl/curl.h>

#include <algorithm>
#include <optional>

#include "common/c_handle.h"
#include "common/error.h"
#include "common/log.h"
#include "common/name_set.h"

namespace hwacme::custody {
namespace {

using CurlUrlPtr = CHandle<CURLU, &curl_url_cleanup>;

std::optional<std::string> part(CURLU* url, CURLUPart which, unsigned flags = 0) {
    char* value = nullptr;
    if (curl_url_get(url, which, &value, flags) != CURLUE_OK || !value) return std::nullopt;
    std::string text(value);
    curl_free(value);
    return text;
}

/// "scheme://host:port" as libcurl, which sends the requests, reads `url`; nullopt for a URL it
/// would not send to, or one with credentials in it.
std::optional<std::string> origin_of(std::string_view text) {
    CurlUrlPtr url(curl_url());
    if (!url) throw Error(Errc::Io, "out of memory parsing a URL");
    if (curl_url_set(url.get(), CURLUPART_URL, std::string(text).c_str(), 0) != CURLUE_OK)
        return std::nullopt;
    if (part(url.get(), CURLUPART_USER) || part(url.get(), CURLUPART_PASSWORD)) return std::nullopt;
    auto scheme = part(url.get(), CURLUPART_SCHEME);
    auto host = part(url.get(), CURLUPART_HOST);
    auto port = part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (!scheme || !host || !port) return std::nullopt;
    std::transform(host->begin(), host->end(), host->begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return *scheme + "://" + *host + ":" + *port;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : " ") + log::printable(name);
    return out;
}

const char* name_of(Operation operation) {
    switch (operation) {
        case Operation::KeyChange:
            return "an account key change";
        case Operation::Revocation:
            return "a revocation signed by a certificate key";
        case Operation::ExternalAccountBinding:
            return "an external account binding";
    }
    return "an unknown operation";
}

}  // namespace

SigningPolicy::SigningPolicy(PolicyTerms terms) : terms_(std::move(terms)) {
    auto origin = origin_of(terms_.directory_url);
    if (!origin)
        throw Error(Errc::InvalidArgument,
                    "the CA directory URL '" + log::printable(terms_.directory_url) +
                        "' has no scheme and host to hold signed requests to");
    origin_ = *origin;
    origin_prefixes_.push_back(origin_ + "/");
    // "https://host/" names port 443 as well as "https://host:443/" does.
    for (std::string_view scheme_default : {"https:443", "http:80"}) {
        auto scheme = scheme_default.substr(0, scheme_default.find(':'));
        auto port = scheme_default.substr(scheme_default.find(':'));
        if (origin_.starts_with(std::string(scheme) + "://") && origin_.ends_with(port))
            origin_prefixes_.push_back(origin_.substr(0, origin_.size() - port.size()) + "/");
    }
    for (auto& [name, identifiers] : terms_.certificates) identifiers = name_set(identifiers);
}

void SigningPolicy::allow_url(std::string_view url) const {
    // A URL that starts with the origin and a '/' has that authority whatever follows (RFC 3986
    // §3.2: it ends at the first '/'); the CA's own URLs nearly all do, and parsing each with
    // libcurl costs a few microseconds of every signature. Any other form is parsed.
    for (const auto& prefix : origin_prefixes_)
        if (url.starts_with(prefix)) return;
    if (origin_of(url) == origin_) return;
    throw Error(Errc::Custody, "key custody refused to sign a request to '" + log::printable(url) +
                                   "': not on the CA's origin " + origin_);
}

void SigningPolicy::allow_names(const std::string& certificate,
                                const std::vector<std::string>& names) const {
    auto found = terms_.certificates.find(certificate);
    if (found == terms_.certificates.end())
        throw Error(Errc::Custody, "key custody refused a CSR for certificate '" +
                                       log::printable(certificate) +
                                       "', which this run does not "
                                       "manage");
    auto asked = name_set(names);
    if (asked == found->second && asked.size() == names.size()) return;
    throw Error(Errc::Custody, "key custody refused a CSR for " + joined(names) +
                                   ": this run certifies " + joined(found->second));
}

void SigningPolicy::allow_dns_record(const std::string& certificate,
                                     const std::string& record) const {
    constexpr std::string_view kPrefix = "_acme-challenge.";
    auto found = terms_.certificates.find(certificate);
    auto asked = name_set({record});
    if (found != terms_.certificates.end() && asked.size() == 1)
        for (const auto& name : found->second) {
            std::string_view base = name;
            if (base.starts_with("*.")) base.remove_prefix(2);
            if (*asked.begin() == std::string(kPrefix) + std::string(base)) return;
        }
    throw Error(Errc::Custody,
                "key custody refused to run the DNS hook for '" + log::printable(record) +
                    "': not a record of " +
                    (found == terms_.certificates.end() ? std::string("this run's certificates")
                                                        : joined(found->second)));
}

void SigningPolicy::allow(Operation operation) const {
    if (terms_.operations.contains(operation)) return;
    throw Error(Errc::Custody, std::string("key custody refused ") + name_of(operation) +
                                   ": this command asks for none");
}

}  // namespace hwacme::custody
