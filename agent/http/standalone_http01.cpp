#include "agent/http/standalone_http01.h"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "agent/http/listen.h"
#include "agent/http/token.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr std::string_view kChallengePrefix = "/.well-known/acme-challenge/";
// Long enough for a validator that reuses its connection, short enough that idle or stalled
// peers do not pile up on a server reachable from the internet.
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr std::uint64_t kRequestBodyLimit = 4096;
constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

/// Token → key authorization, shared between the I/O thread and callers of provision/remove.
class TokenTable {
public:
    void set(const std::string& token, const std::string& key_authorization) {
        std::lock_guard lock(mutex_);
        table_[token] = key_authorization;
    }
    void erase(const std::string& token) {
        std::lock_guard lock(mutex_);
        table_.erase(token);
    }
    std::optional<std::string> find(std::string_view token) const {
        std::lock_guard lock(mutex_);
        auto it = table_.find(token);
        if (it == table_.end()) return std::nullopt;
        return it->second;
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::string, std::less<>> table_;
};

bhttp::response<bhttp::string_body> answer(const bhttp::request<bhttp::string_body>& request,
                                           const TokenTable& tokens) {
    bhttp::response<bhttp::string_body> response;
    response.version(request.version());
    response.keep_alive(request.keep_alive());
    response.set(bhttp::field::server, "hwacme");

    std::string_view target(request.target().data(), request.target().size());
    bool readable = request.method() == bhttp::verb::get || request.method() == bhttp::verb::head;
    std::optional<std::string> key_authorization;
    if (readable && target.starts_with(kChallengePrefix)) {
        key_authorization = tokens.find(target.substr(kChallengePrefix.size()));
    }
    if (key_authorization) {
        response.result(bhttp::status::ok);
        response.set(bhttp::field::content_type, "text/plain");
        response.body() = std::move(*key_authorization);
    } else {
        response.result(bhttp::status::not_found);
        response.set(bhttp::field::content_type, "text/plain");
        response.body() = "not found\n";
    }
    response.prepare_payload();
    if (request.method() == bhttp::verb::head) response.body().clear();
    return response;
}

/// One accepted connection: read a request, answer, repeat while the peer keeps it alive.
/// Owned by the handlers pending on it; it ends when none are left.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket socket, const TokenTable& tokens)
        : stream_(std::move(socket)), tokens_(tokens) {}

    void start() { read_request(); }

private:
    void read_request() {
        parser_.emplace();
        parser_->body_limit(kRequestBodyLimit);
        stream_.expires_after(kIdleTimeout);
        bhttp::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        // End of stream, idle timeout or a malformed request: nothing worth answering.
        if (ec) return close();
        response_ = answer(parser_->get(), tokens_);
        auto target = parser_->get().target();
        log::debug("http-01 server: " + log::printable({target.data(), target.size()}, 200) +
                   " -> " + std::to_string(response_.result_int()));
        stream_.expires_after(kIdleTimeout);
        bhttp::async_write(
            stream_, response_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        if (ec || response_.need_eof()) return close();
        read_request();
    }

    void close() {
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> response_;
    const TokenTable& tokens_;
};

}  // namespace

struct StandaloneHttp01Server::Impl {
    // Declared first so it outlives the sessions that io_context destroys with its handlers.
    TokenTable tokens;
    asio::io_context io{1};
    // Filled before the first accept and never resized after: handlers hold references.
    std::vector<tcp::acceptor> acceptors;
    std::uint16_t bound_port = 0;
    std::thread io_thread;

    void accept_next(tcp::acceptor& acceptor) {
        acceptor.async_accept([this, &acceptor](beast::error_code ec, tcp::socket socket) {
            if (ec == asio::error::operation_aborted) return;
            if (!ec) {
                std::make_shared<Session>(std::move(socket), tokens)->start();
                return accept_next(acceptor);
            }
            // Out of file descriptors and the like: back off instead of spinning.
            log::warning("http-01 server: accept failed: " + ec.message());
            auto retry = std::make_shared<asio::steady_timer>(io, kAcceptRetryDelay);
            retry->async_wait([this, &acceptor, retry](beast::error_code wait_ec) {
                if (!wait_ec) accept_next(acceptor);
            });
        });
    }

    void run() noexcept {
        for (;;) {
            try {
                io.run();
                return;
            } catch (const std::exception& e) {
                // Only the session whose handler threw is lost; keep serving the others.
                log::error(std::string("http-01 server: ") + e.what());
            }
        }
    }
};

StandaloneHttp01Server::StandaloneHttp01Server(const std::vector<std::string>& bind_addresses,
                                               std::uint16_t port)
    : impl_(std::make_unique<Impl>()) {
    impl_->bound_port = listen_on(impl_->io, impl_->acceptors, bind_addresses, port);
    for (auto& acceptor : impl_->acceptors) impl_->accept_next(acceptor);
    impl_->io_thread = std::thread([impl = impl_.get()] { impl->run(); });
}

StandaloneHttp01Server::~StandaloneHttp01Server() {
    impl_->io.stop();
    if (impl_->io_thread.joinable()) impl_->io_thread.join();
}

std::uint16_t StandaloneHttp01Server::port() const {
    return impl_->bound_port;
}

void StandaloneHttp01Server::provision(const std::string& token,
                                       const std::string& key_authorization) {
    require_base64url_token(token);
    impl_->tokens.set(token, key_authorization);
}

void StandaloneHttp01Server::remove(const std::string& token) {
    impl_->tokens.erase(token);
}

std::unique_ptr<Http01Responder> make_standalone_http01(
    const std::vector<std::string>& bind_addresses, std::uint16_t port) {
    return std::make_unique<StandaloneHttp01Server>(bind_addresses, port);
}

}  // namespace hwacme::http
