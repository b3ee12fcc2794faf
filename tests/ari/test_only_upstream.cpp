#include "tests/ari/test_only_upstream.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <stdexcept>

namespace hwacme::test {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

constexpr std::uint64_t kBodyLimit = 16 * 1024 * 1024;

}  // namespace

std::string path_of_url(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) throw std::invalid_argument("not a URL: " + url);
    auto path_start = url.find('/', scheme_end + 3);
    return path_start == std::string::npos ? "/" : url.substr(path_start);
}

TestOnlyUpstream::TestOnlyUpstream(const std::string& directory_url, const std::string& ca_file)
    : tls_(asio::ssl::context::tls_client) {
    const std::string prefix = "https://";
    if (!directory_url.starts_with(prefix))
        throw std::invalid_argument("--upstream must be an https:// URL: " + directory_url);
    auto authority_end = directory_url.find('/', prefix.size());
    auto authority = directory_url.substr(prefix.size(), authority_end - prefix.size());
    auto colon = authority.rfind(':');
    if (colon == std::string::npos)
        throw std::invalid_argument("--upstream must name a port: " + directory_url);
    host_ = authority.substr(0, colon);
    port_ = authority.substr(colon + 1);
    directory_path_ = path_of_url(directory_url);
    // Pebble's chain is checked against the fixture's TLS CA; its name is not, as the proxy only
    // ever talks to the loopback address it was given.
    tls_.load_verify_file(ca_file);
    tls_.set_verify_mode(asio::ssl::verify_peer);
}

ProxyResponse TestOnlyUpstream::send(const ProxyRequest& request) {
    asio::io_context io;
    beast::ssl_stream<beast::tcp_stream> stream(io, tls_);
    asio::ip::tcp::resolver resolver(io);
    beast::get_lowest_layer(stream).connect(resolver.resolve(host_, port_));
    stream.handshake(asio::ssl::stream_base::client);

    ProxyRequest outgoing = request;
    outgoing.keep_alive(false);
    bhttp::write(stream, outgoing);

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kBodyLimit);
    if (request.method() == bhttp::verb::head) parser.skip(true);
    bhttp::read(stream, buffer, parser);
    beast::error_code ignored;
    stream.shutdown(ignored);
    return parser.release();
}

}  // namespace hwacme::test
