#include "agent/acme/client.h"

#include <boost/json.hpp>

#include "agent/jose/jws.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::acme {
namespace {

// Pebble rejects 5% of valid nonces by default; five fresh tries make a spurious failure
// vanishingly rare while a CA that rejects every nonce still fails fast.
constexpr int kBadNonceRetries = 5;

}  // namespace

Client::Client(http::Client& http, std::string directory_url)
    : http_(http), directory_url_(std::move(directory_url)) {}

const Directory& Client::directory() {
    if (!directory_) {
        auto response = http_.get(directory_url_);
        if (response.status != 200)
            throw Error(Errc::Protocol, "the ACME directory URL " + directory_url_ +
                                            " answered HTTP " + std::to_string(response.status));
        directory_ = Directory::parse(response.body, directory_url_);
    }
    return *directory_;
}

std::string Client::take_nonce() {
    if (nonce_) return std::exchange(nonce_, std::nullopt).value();
    auto response = http_.head(directory().new_nonce);
    remember_nonce(response);
    if (!nonce_)
        throw Error(Errc::Protocol, "the CA's newNonce (" + directory().new_nonce +
                                        ") answered HTTP " + std::to_string(response.status) +
                                        " without a Replay-Nonce header");
    return std::exchange(nonce_, std::nullopt).value();
}

void Client::remember_nonce(const http::Response& response) {
    if (auto nonce = response.header("replay-nonce"); nonce && !nonce->empty()) nonce_ = *nonce;
}

http::Response Client::post(const std::string& url, std::string_view payload,
                            const keystore::Key& key, const std::optional<std::string>& kid) {
    for (int attempt = 0;; ++attempt) {
        std::string body = jose::sign_acme_request(key, payload, url, take_nonce(), kid);
        auto response = http_.post(url, body, "application/jose+json");
        remember_nonce(response);
        if (response.status < 400 || attempt >= kBadNonceRetries) return response;
        auto problem = problem_of(response);
        if (!problem || !problem->is("badNonce")) return response;
        log::debug("CA rejected the nonce for " + url + "; retrying with the fresh one");
    }
}

std::optional<Problem> problem_of(const http::Response& response) {
    return parse_problem(response.header("content-type").value_or(""), response.body);
}

void require_success(const http::Response& response, std::string_view what) {
    if (response.status < 400) return;
    std::string message = std::string(what) + " failed: ";
    if (auto problem = problem_of(response))
        message += problem->describe();
    else
        message +=
            "HTTP " + std::to_string(response.status) + " " + log::printable(response.body, 200);
    if (auto retry = http::parse_retry_after(response.header("retry-after").value_or("")))
        message += " (retry after " + std::to_string(retry->count()) + " s)";
    throw Error(Errc::Protocol, message);
}

boost::json::object json_body(const http::Response& response, std::string_view what) {
    require_success(response, what);
    boost::system::error_code ec;
    auto value = boost::json::parse(response.body, ec);
    if (ec || !value.is_object())
        throw Error(Errc::Protocol,
                    std::string(what) + ": the CA answered with something that is not JSON");
    return std::move(value.as_object());
}

}  // namespace hwacme::acme
