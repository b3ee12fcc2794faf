#pragma once

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http.hpp>
#include <string>

namespace hwacme::test {

using ProxyRequest = boost::beast::http::request<boost::beast::http::string_body>;
using ProxyResponse = boost::beast::http::response<boost::beast::http::string_body>;

/// The real CA (Pebble) behind the test-only ACME proxy, reached over HTTPS with a new
/// connection per request: the proxy serves one test, throughput does not matter. Thread-safe.
class TestOnlyUpstream {
public:
    /// `directory_url` like https://127.0.0.1:14000/dir; `ca_file` is the PEM root of its TLS.
    TestOnlyUpstream(const std::string& directory_url, const std::string& ca_file);

    const std::string& directory_path() const { return directory_path_; }
    /// "127.0.0.1:14000": the Host for requests the proxy makes on its own behalf.
    std::string authority() const { return host_ + ":" + port_; }

    /// Sends the request as it is (Host included) and returns Pebble's answer; throws
    /// boost::system::system_error when Pebble cannot be reached.
    ProxyResponse send(const ProxyRequest& request);

private:
    std::string host_;
    std::string port_;
    std::string directory_path_;
    boost::asio::ssl::context tls_;
};

/// The path of an absolute URL: "https://h:1/a/b" → "/a/b".
std::string path_of_url(const std::string& url);

}  // namespace hwacme::test
