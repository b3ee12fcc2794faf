#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace hwacme::http {

/// What the built-in challenge servers answer on when no address is given, in words for --help.
inline constexpr const char* kEveryAddressText = "every IPv4 and IPv6 address";

/// Opens, binds and listens one acceptor per address for a built-in challenge server, all on
/// one port, appends them to `acceptors` and returns the port bound (for port 0, the kernel's
/// choice for the first address, then the same for the others).
///
/// `addresses` empty: every address of both families, as a CA validates over IPv6 when a name
/// has an AAAA record — one `::` socket with IPV6_V6ONLY off, which takes IPv4 too; on a host
/// without IPv6 (no AF_INET6 socket, or `::` cannot be bound) `0.0.0.0` alone, said under -v.
/// Otherwise exactly the IP literals given; an IPv6 one is IPv6-only when the list also names an
/// IPv4 address (so `::` and `0.0.0.0` can both be bound), else dual-stack like the default.
/// Error{InvalidArgument} when an address is not an IP literal; Error{Network} "cannot listen
/// on ADDR:PORT: address already in use" (permission denied, address not available, …).
std::uint16_t listen_on(boost::asio::io_context& io,
                        std::vector<boost::asio::ip::tcp::acceptor>& acceptors,
                        const std::vector<std::string>& addresses, std::uint16_t port);

}  // namespace hwacme::http
