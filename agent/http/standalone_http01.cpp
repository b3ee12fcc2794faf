#include "agent/http/standalone_http01.h"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "agent/http/challenge_listener.h"
#include "agent/http/connection_budget.h"
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
constexpr std::uint64_t kRequestBodyLimit = 4096;

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

/// One accepted connection: read a request, answer, repeat while the peer keeps it alive, all
/// before kExchangeDeadline. Owned by the handlers pending on it; it ends when none are left.
class Session final : public std::enable_shared_from_this<Session>, ConnectionBudget::Member {
public:
    Session(tcp::socket socket, const TokenTable& tokens)
        : stream_(std::move(socket)), tokens_(tokens) {}

    void start(ConnectionBudget& budget) {
        seat_ = budget.admit(*this);
        // Beast applies one expiry to every read and write started after it is set: a deadline
        // for the whole exchange, however slowly the peer sends.
        stream_.expires_after(kExchangeDeadline);
        read_request();
    }

    void close() noexcept override {
        seat_.reset();
        stream_.close();
    }

private:
    void read_request() {
        parser_.emplace();
        parser_->body_limit(kRequestBodyLimit);
        bhttp::async_read(
            stream_, buffer_, *parser_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
        // End of stream, deadline, eviction or a malformed request: nothing worth answering.
        if (ec) return close();
        response_ = answer(parser_->get(), tokens_);
        auto target = parser_->get().target();
        log::debug("http-01 server: " + log::printable({target.data(), target.size()}, 200) +
                   " -> " + std::to_string(response_.result_int()));
        bhttp::async_write(
            stream_, response_,
            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_write(ec); });
    }

    void on_write(beast::error_code ec) {
        if (ec) return close();
        if (!response_.need_eof()) return read_request();
        // Half-close so the peer reads the whole answer; the descriptor closes with the session.
        beast::error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
    bhttp::response<bhttp::string_body> response_;
    const TokenTable& tokens_;
    ConnectionBudget::Seat seat_;
};

}  // namespace

struct StandaloneHttp01Server::Impl {
    TokenTable tokens;
    // Declared after the tokens: destroying it ends the sessions that read them.
    ChallengeListener listener;

    Impl(const std::vector<std::string>& bind_addresses, std::uint16_t port)
        : listener("http-01 server", bind_addresses, port) {}
};

StandaloneHttp01Server::StandaloneHttp01Server(const std::vector<std::string>& bind_addresses,
                                               std::uint16_t port)
    : impl_(std::make_unique<Impl>(bind_addresses, port)) {
    impl_->listener.start([impl = impl_.get()](tcp::socket socket, ConnectionBudget& budget) {
        std::make_shared<Session>(std::move(socket), impl->tokens)->start(budget);
    });
}

StandaloneHttp01Server::~StandaloneHttp01Server() = default;

std::uint16_t StandaloneHttp01Server::port() const {
    return impl_->listener.port();
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
