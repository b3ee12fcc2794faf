#include "agent/http/listen.h"

#include <algorithm>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include "common/error.h"
#include "common/log.h"

namespace hwacme::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string endpoint_text(const std::string& address, std::uint16_t port) {
    bool ipv6 = address.find(':') != std::string::npos;
    return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string listen_failure_reason(const boost::system::error_code& ec) {
    if (ec == asio::error::address_in_use) return "address already in use";
    if (ec == asio::error::access_denied)
        return "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
    if (ec == boost::system::errc::address_not_available)
        return "address not available on this host";
    return ec.message();
}

asio::ip::address parse_address(const std::string& text, std::uint16_t port) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(text, ec);
    if (ec)
        throw Error(Errc::InvalidArgument, "cannot listen on " +
                                               endpoint_text(log::printable(text, 100), port) +
                                               ": not an IP address");
    return address;
}

/// Binds and listens `address`:`port`; on failure returns why and leaves `acceptor` closed.
boost::system::error_code try_listen(tcp::acceptor& acceptor, const asio::ip::address& address,
                                     std::uint16_t port, bool v6_only) {
    boost::system::error_code ec;
    tcp::endpoint endpoint(address, port);
    acceptor.open(endpoint.protocol(), ec);
    // SO_REUSEADDR lets a restart bind while old connections sit in TIME_WAIT; Linux still
    // refuses it while another socket listens on the port.
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    // Set either way: net.ipv6.bindv6only may have changed the system's default.
    if (!ec && address.is_v6()) acceptor.set_option(asio::ip::v6_only(v6_only), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
    }
    return ec;
}

std::uint16_t bound_port(tcp::acceptor& acceptor, const std::string& address, std::uint16_t port) {
    boost::system::error_code ec;
    std::uint16_t bound = acceptor.local_endpoint(ec).port();
    if (ec)
        throw Error(Errc::Network, "cannot listen on " + endpoint_text(address, port) + ": " +
                                       listen_failure_reason(ec));
    return bound;
}

/// Whether a failure to listen on `::` means this host has no IPv6 rather than a real problem
/// (a port in use, a privileged port), which must be reported as it is.
bool no_ipv6_here(const boost::system::error_code& ec) {
    return ec == asio::error::address_family_not_supported ||
           ec == boost::system::errc::address_not_available ||
           ec == boost::system::errc::protocol_not_supported;
}

std::uint16_t listen_everywhere(asio::io_context& io, std::vector<tcp::acceptor>& acceptors,
                                std::uint16_t port) {
    auto& dual_stack = acceptors.emplace_back(io);
    auto ec = try_listen(dual_stack, asio::ip::address_v6::any(), port, false);
    if (!ec) return bound_port(dual_stack, "::", port);
    if (!no_ipv6_here(ec))
        throw Error(Errc::Network, "cannot listen on " + endpoint_text("::", port) + ": " +
                                       listen_failure_reason(ec));
    log::debug("no IPv6 on this host (" + ec.message() + "): listening on " +
               endpoint_text("0.0.0.0", port) + " only");
    ec = try_listen(dual_stack, asio::ip::address_v4::any(), port, false);
    if (ec)
        throw Error(Errc::Network, "cannot listen on " + endpoint_text("0.0.0.0", port) + ": " +
                                       listen_failure_reason(ec));
    return bound_port(dual_stack, "0.0.0.0", port);
}

}  // namespace

std::uint16_t listen_on(asio::io_context& io, std::vector<tcp::acceptor>& acceptors,
                        const std::vector<std::string>& addresses, std::uint16_t port) {
    if (addresses.empty()) return listen_everywhere(io, acceptors, port);
    std::vector<asio::ip::address> parsed;
    for (const auto& text : addresses) parsed.push_back(parse_address(text, port));
    bool names_ipv4 = std::any_of(parsed.begin(), parsed.end(),
                                  [](const asio::ip::address& a) { return a.is_v4(); });
    for (std::size_t i = 0; i < parsed.size(); ++i) {
        auto& acceptor = acceptors.emplace_back(io);
        if (auto ec = try_listen(acceptor, parsed[i], port, names_ipv4))
            throw Error(Errc::Network, "cannot listen on " + endpoint_text(addresses[i], port) +
                                           ": " + listen_failure_reason(ec));
        port = bound_port(acceptor, addresses[i], port);
    }
    return port;
}

}  // namespace hwacme::http
