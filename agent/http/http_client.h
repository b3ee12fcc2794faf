#pragma once

#include <chrono>
#include <cstddef>
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

/// What one answer may hold: a CA's JSON documents are a few KiB and a certificate chain a few
/// certificates, so anything near these sizes is a broken or hostile server.
inline constexpr std::size_t kMaxBodyBytes = 1024 * 1024;
inline constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

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
/// Errors: Error{Network} naming the URL and curl's reason (DNS, refused, timeout, TLS verify),
/// or the cap an answer's body or headers went past (kMaxBodyBytes, kMaxHeaderBytes).
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

    /// Every later request must end by `deadline` (a run's hard time limit): each is given only
    /// the time left, and one asked for after it is an Error{Network} "the time allowed …".
    /// nullopt: each request has only the timeouts of ClientOptions.
    void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline);
    std::optional<std::chrono::steady_clock::time_point> deadline() const;

    /// Requests made so far and new connections opened for them (CURLINFO_NUM_CONNECTS summed).
    std::size_t request_count() const;
    std::size_t connection_count() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Narrows the deadline of `client` to `deadline` (a later one never widens it) for the
/// lifetime of the scope, then puts the earlier one back.
class DeadlineScope {
public:
    DeadlineScope(Client& client, std::chrono::steady_clock::time_point deadline);
    ~DeadlineScope();
    DeadlineScope(const DeadlineScope&) = delete;
    DeadlineScope& operator=(const DeadlineScope&) = delete;

private:
    Client& client_;
    std::optional<std::chrono::steady_clock::time_point> earlier_;
};

/// The time left until `deadline`, in whole milliseconds, never negative.
std::chrono::milliseconds time_left(std::chrono::steady_clock::time_point deadline);

/// Retry-After (RFC 9110 §10.2.3): delta-seconds or an HTTP-date, as a delay from `now`,
/// clamped to 0 (past dates) .. one day (larger numbers, dates further away, numbers past
/// int64). nullopt when absent or unparsable.
std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace hwacme::http
