#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "agent/acme/directory.h"
#include "agent/acme/problem.h"
#include "agent/http/http_client.h"
#include "agent/signing/request_signer.h"

namespace hwacme::acme {

/// The ACME transport (RFC 8555 §6): directory, anti-replay nonces, JWS-signed POSTs, problem
/// documents. It never holds key material: each request is signed by the signer it is given.
/// A CA that answers 503 or rateLimited with a Retry-After is waited out and asked again while
/// the waits of one request stay within `max_wait`; a longer wait is an Error{Protocol} naming
/// the cause and "retry after <RFC 3339 UTC time> (<N> s)". Not thread-safe.
class Client {
public:
    static constexpr std::chrono::seconds kDefaultMaxWait{60};

    Client(http::Client& http, std::string directory_url,
           std::chrono::seconds max_wait = kDefaultMaxWait);

    /// The directory, fetched on first use. Error{Network} when the CA is unreachable,
    /// Error{Protocol} when the URL does not serve an ACME directory.
    const Directory& directory();
    const std::string& directory_url() const { return directory_url_; }

    /// A signed POST (RFC 8555 §6.2): `kid` selects the account URL header, nullopt the `jwk`
    /// header. An empty payload is a POST-as-GET (§6.3). A badNonce answer is retried with the
    /// fresh nonce it carries, a bounded number of times (§6.5); 503 and rateLimited answers are
    /// waited out as the class comment says. Other answers are returned as they are; check them
    /// with require_success().
    http::Response post(const std::string& url, std::string_view payload,
                        const signing::RequestSigner& signer,
                        const std::optional<std::string>& kid);

    http::Client& http() { return http_; }

private:
    /// Sleeps for the Retry-After of a 503 or rateLimited answer and returns true when the
    /// request should be sent again; false for any other answer. Throws Error{Protocol} when
    /// the wait would take `waited` past max_wait_.
    bool wait_out(const http::Response& response, const std::string& url,
                  std::chrono::seconds& waited) const;
    std::string take_nonce();
    void remember_nonce(const http::Response& response);

    http::Client& http_;
    std::string directory_url_;
    std::chrono::seconds max_wait_;
    std::optional<Directory> directory_;
    std::optional<std::string> nonce_;
};

/// The problem document of an error answer, if it carries one, with the answer's
/// Link rel="terms-of-service".
std::optional<Problem> problem_of(const http::Response& response);

/// Throws Error{Protocol} for an HTTP error status: "<what> failed: <problem>" (or the status and
/// a bit of the body when there is no problem document), with "retry after <time> (<N> s)"
/// when the CA sent a Retry-After, and the terms URL of a userActionRequired.
void require_success(const http::Response& response, std::string_view what);

/// The JSON object body of a successful answer; Error{Protocol} naming `what` otherwise.
boost::json::object json_body(const http::Response& response, std::string_view what);

}  // namespace hwacme::acme
