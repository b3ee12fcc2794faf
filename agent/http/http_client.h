#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hwacme::http {

struct Response {
    long status = 0;
    /// Header names lower-cased, values trimmed, in arrival order (repeats kept: Link).
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    /// The first header of that (case-insensitive) name.
    std::optional<std::string> header(std::string_view name) const;
    /// Every header of that name.
    std::vector<std::string> headers_named(std::string_view name) const;
    /// Link headers with rel="<rel>" (RFC 8288): their target URLs.
    std::vector<std::string> links(std::string_view rel) const;
};

struct ClientOptions {
    /// PEM file of CA certificates to trust for TLS instead of the system store; empty = system.
    std::string ca_bundle;
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds total_timeout{60'000};
    std::string user_agent;  ///< e.g. "hwacme/0.1.0 libcurl/7.88"
    bool verbose = false;    ///< log method, URL and status of each request to stderr
};

/// HTTP/1.1 client over one reused libcurl easy handle: keep-alive, so a whole issuance goes over
/// one TLS connection. Not thread-safe.
/// Errors: Error{Network} naming the URL and curl's reason (DNS, refused, timeout, TLS verify).
/// HTTP error statuses are returned, not thrown.
class Client {
public:
    explicit Client(ClientOptions options);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    Response get(const std::string& url);
    Response head(const std::string& url);
    Response post(const std::string& url, std::string_view body, std::string_view content_type);

    /// Requests made so far and new connections opened for them (CURLINFO_NUM_CONNECTS summed).
    std::size_t request_count() const;
    std::size_t connection_count() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, as a delay from `now`,
/// clamped to 0 (past dates) .. one day (larger numbers, dates further away, numbers past
/// int64). nullopt when absent or unparsable.
std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace hwacme::http
