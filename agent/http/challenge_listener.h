#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "agent/http/connection_budget.h"

namespace hwacme::http {

/// What both built-in challenge servers run on: the listening sockets (listen.h), a descriptor
/// limit raised for their peers, the connection budget, and one I/O thread that accepts and
/// serves every connection. Owned by a server's implementation, declared after what its
/// connections use (token table, TLS context): destroying it stops the thread and destroys the
/// connections first.
class ChallengeListener {
public:
    using OnConnection = std::function<void(boost::asio::ip::tcp::socket, ConnectionBudget&)>;

    /// Binds and listens as listen_on() does (and throws as it does); `server` names it in
    /// messages ("http-01 server") and must be a string literal.
    ChallengeListener(std::string_view server, const std::vector<std::string>& addresses,
                      std::uint16_t port);
    ~ChallengeListener();
    ChallengeListener(const ChallengeListener&) = delete;
    ChallengeListener& operator=(const ChallengeListener&) = delete;

    /// Starts accepting on the I/O thread; each accepted socket goes to `on_connection`, there.
    void start(OnConnection on_connection);

    std::uint16_t port() const { return port_; }

private:
    void accept_next(boost::asio::ip::tcp::acceptor& acceptor);
    void run() noexcept;

    std::string_view server_;
    DescriptorLimit descriptor_limit_;
    ConnectionBudget budget_;
    boost::asio::io_context io_{1};
    // Filled before the first accept and never resized after: handlers hold references.
    std::vector<boost::asio::ip::tcp::acceptor> acceptors_;
    std::uint16_t port_ = 0;
    OnConnection on_connection_;
    std::thread thread_;
};

}  // namespace hwacme::http
