#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>

#include "agent/http/connection_budget.h"

namespace hwacme::http {

/// Runs one server-side TLS handshake with the peer on `socket`, on the socket's io_context
/// thread, then closes the connection: RFC 8737 §3 has the validator close right after the
/// handshake. The connection takes a seat in `budget` and is closed at kExchangeDeadline, or
/// earlier when the budget needs its seat. A peer that has sent nothing yet costs a descriptor
/// and a timer, no TLS state. `ctx` and `budget` must outlive the io_context's handlers, and
/// its thread must block SIGPIPE (challenge_listener.h does).
void start_tls_handshake(boost::asio::ip::tcp::socket socket, SSL_CTX* ctx,
                         ConnectionBudget& budget);

}  // namespace hwacme::http
