#include "agent/http/challenge_listener.h"

#include <signal.h>

#include <chrono>
#include <exception>
#include <memory>
#include <utility>

#include <boost/asio/steady_timer.hpp>

#include "agent/http/listen.h"
#include "common/log.h"

namespace hwacme::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr auto kAcceptRetryDelay = std::chrono::milliseconds(100);

/// OpenSSL writes with write(2), so a peer that resets the connection mid-handshake would raise
/// SIGPIPE and kill the process. Blocked on the I/O thread, the write fails with EPIPE instead
/// and only that connection ends. (Asio's own writes use MSG_NOSIGNAL.)
void block_sigpipe_on_this_thread() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
}

}  // namespace

ChallengeListener::ChallengeListener(std::string_view server,
                                     const std::vector<std::string>& addresses, std::uint16_t port)
    : server_(server), budget_(connection_capacity(descriptor_limit_.soft_limit())) {
    port_ = listen_on(io_, acceptors_, addresses, port);
    log::debug(std::string(server_) + ": up to " + std::to_string(budget_.capacity()) +
               " connections at once, each closed after " +
               std::to_string(kExchangeDeadline.count()) + " s");
}

ChallengeListener::~ChallengeListener() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
    log::debug(std::string(server_) + ": " + std::to_string(budget_.admitted()) + " connections, " +
               std::to_string(budget_.evicted()) + " of them closed early to make room");
}

void ChallengeListener::start(OnConnection on_connection) {
    on_connection_ = std::move(on_connection);
    for (auto& acceptor : acceptors_) accept_next(acceptor);
    thread_ = std::thread([this] {
        block_sigpipe_on_this_thread();
        run();
    });
}

void ChallengeListener::accept_next(tcp::acceptor& acceptor) {
    acceptor.async_accept([this, &acceptor](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            on_connection_(std::move(socket), budget_);
            return accept_next(acceptor);
        }
        // Out of descriptors and the like: back off instead of spinning.
        log::warning(std::string(server_) + ": accept failed: " + ec.message());
        auto retry = std::make_shared<asio::steady_timer>(io_, kAcceptRetryDelay);
        retry->async_wait([this, &acceptor, retry](boost::system::error_code wait_ec) {
            if (!wait_ec) accept_next(acceptor);
        });
    });
}

void ChallengeListener::run() noexcept {
    for (;;) {
        try {
            io_.run();
            return;
        } catch (const std::exception& e) {
            // Only the connection whose handler threw is lost; keep serving the others.
            log::error(std::string(server_) + ": " + e.what());
        }
    }
}

}  // namespace hwacme::http
