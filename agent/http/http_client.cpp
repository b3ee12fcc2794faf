#include "agent/http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <system_error>

#include "common/c_handle.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::http {
namespace {

using CurlPtr = CHandle<CURL, &curl_easy_cleanup>;
using CurlSlistPtr = CHandle<curl_slist, &curl_slist_free_all>;

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw Error(Errc::Network, "cannot initialise libcurl");
        }
    });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/// One answer as it arrives, with what is counted against the caps.
struct Transfer {
    Response response;
    std::size_t header_bytes = 0;
    bool body_too_large = false;
    bool headers_too_large = false;
};

// libcurl calls back through C frames: an exception must not cross them, so a failure to store
// a byte, or a byte past a cap, becomes a short count and curl aborts the transfer with
// CURLE_WRITE_ERROR.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* transfer = static_cast<Transfer*>(user);
    try {
        if (size * count > kMaxBodyBytes - transfer->response.body.size()) {
            transfer->body_too_large = true;
            return 0;
        }
        transfer->response.body.append(data, size * count);
        return size * count;
    } catch (...) {
        return 0;
    }
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* transfer = static_cast<Transfer*>(user);
    auto& response = transfer->response;
    std::string_view line(data, size * count);
    try {
        // Counted over every response of the transfer (a CA cannot reset it with 1xx answers).
        transfer->header_bytes += line.size();
        if (transfer->header_bytes > kMaxHeaderBytes) {
            transfer->headers_too_large = true;
            return 0;
        }
        // A new status line starts another response (100 Continue, or a proxy's CONNECT
        // answer): keep only the final response's headers.
        if (line.starts_with("HTTP/")) {
            response.headers.clear();
        } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
            response.headers.emplace_back(lower(trim(line.substr(0, colon))),
                                          std::string(trim(line.substr(colon + 1))));
        }
        return size * count;
    } catch (...) {
        return 0;
    }
}

std::string kib(std::size_t bytes) {
    return std::to_string(bytes / 1024) + " KiB";
}

// curl's own text for a refused connection repeats "Couldn't connect to server"; the socket's
// errno says why ("connection refused", "network is unreachable").
std::string os_reason(long os_errno, const std::string& fallback) {
    if (os_errno == 0) return fallback;
    std::string text = std::strerror(static_cast<int>(os_errno));
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

// Debian's libcurl reads the trust store that the ca-certificates package writes; a minimal
// system lacks it, and curl's own "error setting certificate file" does not say what to install.
std::string system_trust_store_problem(const std::string& url, const std::string& detail) {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    std::string store = info && info->cainfo ? info->cainfo : "the system trust store";
    std::error_code ec;
    std::string state = !std::filesystem::exists(store, ec)    ? "is missing"
                        : std::filesystem::is_empty(store, ec) ? "is empty"
                                                               : "cannot be read";
    return "cannot check the TLS certificate of " + url + ": the system trust store " + store +
           " " + state +
           " (install the ca-certificates package, or pass --ca-bundle FILE): " + detail;
}

[[noreturn]] void throw_transfer_error(CURLcode code, const std::string& url,
                                       const char* error_buffer, long os_errno, bool system_store) {
    std::string detail = *error_buffer ? error_buffer : curl_easy_strerror(code);
    std::string reason = curl_easy_strerror(code);
    switch (code) {
        case CURLE_PEER_FAILED_VERIFICATION:
            throw Error(Errc::Network, "TLS certificate of " + url + " not trusted: " + detail);
        case CURLE_SSL_CACERT_BADFILE:
            if (system_store) throw Error(Errc::Network, system_trust_store_problem(url, detail));
            throw Error(Errc::Network, "cannot load the CA bundle for " + url + ": " + detail);
        case CURLE_SSL_CONNECT_ERROR:
            throw Error(Errc::Network, "TLS handshake with " + url + " failed: " + detail);
        case CURLE_COULDNT_RESOLVE_HOST:
            throw Error(Errc::Network, "cannot resolve the host of " + url + ": " + detail);
        case CURLE_OPERATION_TIMEDOUT:
            throw Error(Errc::Network, "timed out talking to " + url + ": " + detail);
        case CURLE_COULDNT_CONNECT:
            throw Error(Errc::Network, "cannot reach " + url + ": " + reason + " (" +
                                           os_reason(os_errno, detail) + ")");
        default:
            throw Error(Errc::Network,
                        "request to " + url + " failed: " + reason + " (" + detail + ")");
    }
}

}  // namespace

struct Client::Impl {
    ClientOptions options;
    CurlPtr curl;
    // Per-request header list; curl keeps only the pointer, so it lives until the next request.
    CurlSlistPtr request_headers;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::size_t requests = 0;
    std::size_t connections = 0;
    std::optional<std::chrono::steady_clock::time_point> deadline;

    template <class T>
    void set(CURLoption option, T value, const char* what) {
        if (curl_easy_setopt(curl.get(), option, value) != CURLE_OK) {
            throw Error(Errc::Network, std::string("libcurl refused option ") + what);
        }
    }

    void apply_connection_options() {
        set(CURLOPT_ERRORBUFFER, error_buffer, "ERRORBUFFER");
        set(CURLOPT_NOSIGNAL, 1L, "NOSIGNAL");
        set(CURLOPT_PROTOCOLS_STR, "http,https", "PROTOCOLS_STR");
        set(CURLOPT_FOLLOWLOCATION, 0L, "FOLLOWLOCATION");
        set(CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_1_1}, "HTTP_VERSION");
        set(CURLOPT_SSL_VERIFYPEER, 1L, "SSL_VERIFYPEER");
        set(CURLOPT_SSL_VERIFYHOST, 2L, "SSL_VERIFYHOST");
        set(CURLOPT_WRITEFUNCTION, &on_body, "WRITEFUNCTION");
        set(CURLOPT_HEADERFUNCTION, &on_header, "HEADERFUNCTION");
        if (!options.user_agent.empty()) {
            set(CURLOPT_USERAGENT, options.user_agent.c_str(), "USERAGENT");
        }
        if (!options.ca_bundle.empty()) {
            set(CURLOPT_CAINFO, options.ca_bundle.c_str(), "CAINFO");
            // Debian's libcurl also reads /etc/ssl/certs by default; "instead of the system
            // store" means the bundle alone.
            set(CURLOPT_CAPATH, static_cast<const char*>(nullptr), "CAPATH");
        }
    }

    /// Each request gets the client's timeouts, cut to what is left before the deadline.
    bool apply_time_limits(const char* method, const std::string& url) {
        auto connect = options.connect_timeout;
        auto total = options.total_timeout;
        bool cut = false;
        if (deadline) {
            auto left = time_left(*deadline);
            if (left.count() <= 0)
                throw Error(Errc::Network, std::string("the time allowed for this run ran out "
                                                       "before ") +
                                               method + " " + url);
            cut = left < total;
            connect = std::min(connect, left);
            total = std::min(total, left);
        }
        set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect.count()), "CONNECTTIMEOUT_MS");
        set(CURLOPT_TIMEOUT_MS, static_cast<long>(total.count()), "TIMEOUT_MS");
        return cut;
    }

    Response perform(const char* method, const std::string& url) {
        Transfer transfer;
        error_buffer[0] = '\0';
        bool cut_by_deadline = apply_time_limits(method, url);
        set(CURLOPT_URL, url.c_str(), "URL");
        set(CURLOPT_WRITEDATA, &transfer, "WRITEDATA");
        set(CURLOPT_HEADERDATA, &transfer, "HEADERDATA");
        CURLcode code = curl_easy_perform(curl.get());
        ++requests;
        long new_connections = 0;
        if (curl_easy_getinfo(curl.get(), CURLINFO_NUM_CONNECTS, &new_connections) == CURLE_OK) {
            connections += static_cast<std::size_t>(new_connections);
        }
        if (transfer.body_too_large)
            throw Error(Errc::Protocol, "the answer of " + url + " is larger than " +
                                            kib(kMaxBodyBytes) +
                                            ", the most hwacme reads from a server");
        if (transfer.headers_too_large)
            throw Error(Errc::Protocol, "the headers of the answer of " + url +
                                            " are larger than " + kib(kMaxHeaderBytes) +
                                            ", the most hwacme reads from a server");
        if (code == CURLE_OPERATION_TIMEDOUT && cut_by_deadline)
            throw Error(
                Errc::Network,
                std::string("the time allowed for this run ran out during ") + method + " " + url);
        if (code != CURLE_OK) {
            long os_errno = 0;
            curl_easy_getinfo(curl.get(), CURLINFO_OS_ERRNO, &os_errno);
            throw_transfer_error(code, url, error_buffer, os_errno, options.ca_bundle.empty());
        }
        curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &transfer.response.status);
        if (options.verbose) {
            log::info(std::string(method) + " " + url + " -> " +
                      std::to_string(transfer.response.status));
        }
        return std::move(transfer.response);
    }

    void use_headers(CurlSlistPtr headers) {
        set(CURLOPT_HTTPHEADER, headers.get(), "HTTPHEADER");
        request_headers = std::move(headers);
    }
};

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>()) {
    init_curl_once();
    if (!options.ca_bundle.empty()) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(options.ca_bundle, ec)) {
            throw Error(Errc::NotFound, "CA bundle not found: " + options.ca_bundle);
        }
    }
    impl_->options = std::move(options);
    impl_->curl.reset(curl_easy_init());
    if (!impl_->curl) throw Error(Errc::Network, "cannot create a libcurl handle");
    impl_->apply_connection_options();
}

Client::~Client() = default;

// Each request sets every method-related option: whatever the previous request chose (HEAD's
// NOBODY, POST's header list) must not leak into this one. curl_easy_reset is avoided because it
// would drop the connection options too; the connection cache itself would survive it.
Response Client::get(const std::string& url) {
    impl_->use_headers(nullptr);
    impl_->set(CURLOPT_HTTPGET, 1L, "HTTPGET");
    return impl_->perform("GET", url);
}

Response Client::head(const std::string& url) {
    impl_->use_headers(nullptr);
    impl_->set(CURLOPT_HTTPGET, 1L, "HTTPGET");
    impl_->set(CURLOPT_NOBODY, 1L, "NOBODY");
    return impl_->perform("HEAD", url);
}

Response Client::post(const std::string& url, std::string_view body,
                      std::string_view content_type) {
    std::string content_type_line = "Content-Type: " + std::string(content_type);
    CurlSlistPtr headers(curl_slist_append(nullptr, content_type_line.c_str()));
    if (!headers) throw Error(Errc::Network, "out of memory building a request to " + url);
    impl_->use_headers(std::move(headers));
    impl_->set(CURLOPT_NOBODY, 0L, "NOBODY");
    impl_->set(CURLOPT_POST, 1L, "POST");
    impl_->set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()),
               "POSTFIELDSIZE_LARGE");
    // A null POSTFIELDS would make curl read the body from stdin.
    impl_->set(CURLOPT_POSTFIELDS, body.empty() ? "" : body.data(), "POSTFIELDS");
    return impl_->perform("POST", url);
}

void Client::set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) {
    impl_->deadline = deadline;
}

std::optional<std::chrono::steady_clock::time_point> Client::deadline() const {
    return impl_->deadline;
}

DeadlineScope::DeadlineScope(Client& client, std::chrono::steady_clock::time_point deadline)
    : client_(client), earlier_(client.deadline()) {
    client_.set_deadline(earlier_ ? std::min(*earlier_, deadline) : deadline);
}

DeadlineScope::~DeadlineScope() {
    client_.set_deadline(earlier_);
}

std::chrono::milliseconds time_left(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return std::max(left, std::chrono::milliseconds{0});
}

std::size_t Client::request_count() const {
    return impl_->requests;
}
std::size_t Client::connection_count() const {
    return impl_->connections;
}

}  // namespace hwacme::http
