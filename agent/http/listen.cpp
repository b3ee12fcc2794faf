#include "agent/http/listen.h"

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>

#include "common/error.h"

namespace hwacme::http {
namespace {

namespace asio = boost::asio;

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

}  // namespace

std::uint16_t listen_on(asio::ip::tcp::acceptor& acceptor, const std::string& bind_address,
                        std::uint16_t port) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(bind_address, ec);
    if (ec)
        throw Error(Errc::InvalidArgument, "cannot listen on " + endpoint_text(bind_address, port) +
                                               ": not an IP address");
    asio::ip::tcp::endpoint endpoint(address, port);
    acceptor.open(endpoint.protocol(), ec);
    // SO_REUSEADDR lets a restart bind while old connections sit in TIME_WAIT; Linux still
    // refuses it while another socket listens on the port.
    if (!ec) acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    std::uint16_t bound = 0;
    if (!ec) bound = acceptor.local_endpoint(ec).port();
    if (ec)
        throw Error(Errc::Network, "cannot listen on " + endpoint_text(bind_address, port) + ": " +
                                       listen_failure_reason(ec));
    return bound;
}

}  // namespace hwacme::http
