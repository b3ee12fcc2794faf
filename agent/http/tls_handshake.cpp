#include "agent/http/tls_handshake.h"

#include <memory>
#include <utility>

#include <openssl/err.h>
#include <boost/asio/steady_timer.hpp>

#include "common/c_handle.h"
#include "common/log.h"
#include "common/openssl_error.h"

namespace hwacme::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SslPtr = CHandle<SSL, &SSL_free>;

/// One connection: wait for the peer's first byte, then step SSL_accept on the non-blocking
/// socket each time the socket is ready for what OpenSSL asked. Owned by the handler pending on
/// its socket; the deadline timer holds it only weakly.
class HandshakeSession final : public std::enable_shared_from_this<HandshakeSession>,
                               ConnectionBudget::Member {
public:
    HandshakeSession(tcp::socket socket, SSL_CTX* ctx)
        : socket_(std::move(socket)), deadline_(socket_.get_executor()), ctx_(ctx) {}

    void start(ConnectionBudget& budget) {
        seat_ = budget.admit(*this);
        deadline_.expires_after(kExchangeDeadline);
        deadline_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            if (auto self = weak.lock(); self && !ec) self->close();
        });
        boost::system::error_code ec;
        socket_.native_non_blocking(true, ec);
        if (ec) return close();
        wait(tcp::socket::wait_read);
    }

    void close() noexcept override {
        seat_.reset();
        boost::system::error_code ignored;
        socket_.close(ignored);
        deadline_.cancel();
    }

private:
    void wait(tcp::socket::wait_type what) {
        socket_.async_wait(what, [self = shared_from_this()](boost::system::error_code ec) {
            if (ec) return self->close();
            self->step();
        });
    }

    void step() {
        if (!ssl_) {
            ssl_.reset(SSL_new(ctx_));
            if (!ssl_ || !SSL_set_fd(ssl_.get(), socket_.native_handle())) {
                log::debug(openssl_message("tls-alpn-01 server: cannot start a handshake"));
                return close();
            }
        }
        // The error queue is per thread and SSL_get_error reads it: start from an empty one.
        ERR_clear_error();
        int result = SSL_accept(ssl_.get());
        if (result == 1) {
            SSL_shutdown(ssl_.get());
            return close();
        }
        switch (SSL_get_error(ssl_.get(), result)) {
            case SSL_ERROR_WANT_READ:
                return wait(tcp::socket::wait_read);
            case SSL_ERROR_WANT_WRITE:
                return wait(tcp::socket::wait_write);
            default:
                log::debug(openssl_message("tls-alpn-01 server: handshake refused"));
                return close();
        }
    }

    tcp::socket socket_;
    asio::steady_timer deadline_;
    SSL_CTX* ctx_;
    SslPtr ssl_;
    ConnectionBudget::Seat seat_;
};

}  // namespace

void start_tls_handshake(tcp::socket socket, SSL_CTX* ctx, ConnectionBudget& budget) {
    std::make_shared<HandshakeSession>(std::move(socket), ctx)->start(budget);
}

}  // namespace hwacme::http
