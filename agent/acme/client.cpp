#include "agent/acme/client.h"

#include <boost/json.hpp>
#include <thread>

#include "agent/http/url_policy.h"
#include "agent/jose/jws.h"
#include "common/error.h"
#include "common/log.h"
#include "common/rfc3339.h"

namespace hwacme::acme {
namespace {

// Pebble rejects 5% of valid nonces by default; five fresh tries make a spurious failure
// vanishingly rare while a CA that rejects every nonce still fails fast.
constexpr int kBadNonceRetries = 5;
// A Retry-After of 0 still counts as a second of the budget, so a CA that keeps answering
// "retry now" cannot hold a request in a loop.
constexpr std::chrono::seconds kMinCountedWait{1};

std::string retry_after_text(std::chrono::seconds delay) {
    return "retry after " +
           format_rfc3339(
               std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() + delay)) +
           " (" + std::to_string(delay.count()) + " s)";
}

/// Why the CA asks to wait: its rateLimited problem, or an unavailable (503) service.
std::optional<std::string> wait_cause(const http::Response& response) {
    if (auto problem = problem_of(response); problem && problem->is("rateLimited"))
        return problem->describe();
    if (response.status == 503) return "the CA is unavailable (HTTP 503)";
    return std::nullopt;
}

/// Every URL of the directory is one hwacme may send to: checked once, before any is used.
void require_followable_directory(const Directory& directory, const std::string& url) {
    const std::pair<const char*, const std::optional<std::string>> urls[] = {
        {"its newNonce", directory.new_nonce},
        {"its newAccount", directory.new_account},
        {"its newOrder", directory.new_order},
        {"its revokeCert", directory.revoke_cert},
        {"its keyChange",
         directory.key_change.empty() ? std::nullopt : std::optional(directory.key_change)},
        {"its newAuthz", directory.new_authz},
        {"its renewalInfo", directory.renewal_info},
    };
    for (const auto& [what, value] : urls)
        if (value) http::require_followable(*value, url, what);
}

}  // namespace

Client::Client(http::Client& http, std::string directory_url, std::chrono::seconds max_wait)
    : http_(http), directory_url_(std::move(directory_url)), max_wait_(max_wait) {
    if (auto problem = http::directory_url_problem(directory_url_))
        throw Error(Errc::InvalidArgument, "the ACME directory URL " + *problem);
}

bool Client::wait_out(const http::Response& response, const std::string& url,
                      std::chrono::seconds& waited) const {
    if (response.status < 400) return false;
    auto cause = wait_cause(response);
    if (!cause) return false;
    auto delay = http::parse_retry_after(response.header("retry-after").value_or(""));
    if (!delay) return false;
    auto deadline = http_.deadline();
    bool past_deadline = deadline && *delay > http::time_left(*deadline);
    if (past_deadline || waited + std::max(*delay, kMinCountedWait) > max_wait_)
        throw Error(Errc::Protocol,
                    url + ": " + *cause + ": " + retry_after_text(*delay) +
                        (waited.count() > 0
                             ? ", after waiting " + std::to_string(waited.count()) + " s already"
                             : "") +
                        (past_deadline ? ", past the time allowed for this run" : ""));
    log::info(url + ": " + *cause + "; waiting " + std::to_string(delay->count()) +
              " s as the CA asks");
    std::this_thread::sleep_for(*delay);
    waited += std::max(*delay, kMinCountedWait);
    return true;
}

const Directory& Client::directory() {
    if (!directory_) {
        std::chrono::seconds waited{0};
        auto response = http_.get(directory_url_);
        while (wait_out(response, directory_url_, waited)) response = http_.get(directory_url_);
        if (response.status != 200)
            throw Error(Errc::Protocol, "the ACME directory URL " + directory_url_ +
                                            " answered HTTP " + std::to_string(response.status));
        auto directory = Directory::parse(response.body, directory_url_);
        require_followable_directory(directory, directory_url_);
        directory_ = std::move(directory);
    }
    return *directory_;
}

std::string Client::take_nonce() {
    if (nonce_) return std::exchange(nonce_, std::nullopt).value();
    const auto& url = directory().new_nonce;
    std::chrono::seconds waited{0};
    auto response = http_.head(url);
    while (wait_out(response, url, waited)) response = http_.head(url);
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
                            const signing::RequestSigner& signer,
                            const std::optional<std::string>& kid) {
    http::require_followable(url, directory_url_, "a");
    int bad_nonces = 0;
    std::chrono::seconds waited{0};
    for (;;) {
        std::string body = signer.sign_request(payload, url, take_nonce(), kid);
        auto response = http_.post(url, body, "application/jose+json");
        remember_nonce(response);
        if (response.status < 400) return response;
        auto problem = problem_of(response);
        if (problem && problem->is("badNonce")) {
            if (bad_nonces++ >= kBadNonceRetries) return response;
            log::debug("CA rejected the nonce for " + url + "; retrying with the fresh one");
            continue;
        }
        if (!wait_out(response, url, waited)) return response;
    }
}

std::optional<Problem> problem_of(const http::Response& response) {
    auto problem = parse_problem(response.header("content-type").value_or(""), response.body);
    if (problem) {
        auto terms = response.links("terms-of-service");
        if (!terms.empty()) problem->terms_of_service = terms.front();
    }
    return problem;
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
        message += "; " + retry_after_text(*retry);
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
