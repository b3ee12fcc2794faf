#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>

namespace hwacme::http {

/// Opens, binds and listens `acceptor` on bind_address:port for the built-in challenge servers
/// and returns the port bound (the kernel's choice for port 0).
/// Error{InvalidArgument} when the address is not an IP literal; Error{Network} "cannot listen
/// on ADDR:PORT: address already in use" (permission denied, address not available, …).
std::uint16_t listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& bind_address,
                        std::uint16_t port);

}  // namespace hwacme::http
