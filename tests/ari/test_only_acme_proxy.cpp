// test-only-acme-proxy: a TEST-ONLY reverse proxy in front of a real Pebble 2.4, adding what
// Pebble lacks (renewalInfo, profiles) and the faults no well-behaved CA produces on demand (503,
// rateLimited). Pebble builds every URL from the request's Host and checks the JWS "url" against
// https://<Host><path>, so keeping the proxy's Host routes all traffic through here unrewritten.
// Never ship or run it outside the tests.
#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "common/base64url.h"
#include "tests/ari/test_only_mischief.h"
#include "tests/ari/test_only_upstream.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace json = boost::json;
using hwacme::test::ProxyRequest;
using hwacme::test::ProxyResponse;
using hwacme::test::TestOnlyUpstream;

constexpr std::string_view kRenewalInfoPrefix = "/renewal-info/";
constexpr std::uint64_t kRequestBodyLimit = 1024 * 1024;

struct ProxyOptions {
    std::string upstream;
    std::string upstream_ca;
    std::string cert;
    std::string key;
    std::string port_file;
    std::string record_file;
    std::string renewal_info_file;
    std::optional<long> renewal_info_retry_after;
    std::vector<std::string> profiles;
    int fail_new_order = 0;
    unsigned fail_status = 503;
    /// The Retry-After of each injected failure in turn, the last one for all after it.
    std::vector<std::string> fail_retry_after{"1"};
    std::string mischief;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return {};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Everything the connection threads share: the upstream, the fault budget, the record file.
class Proxy {
public:
    explicit Proxy(ProxyOptions options)
        : options_(std::move(options)),
          upstream_(options_.upstream, options_.upstream_ca),
          failures_left_(options_.fail_new_order) {
        ProxyRequest request(bhttp::verb::get, upstream_.directory_path(), 11);
        request.set(bhttp::field::host, upstream_.authority());
        auto directory = json::parse(upstream_.send(request).body()).as_object();
        new_order_path_ =
            hwacme::test::path_of_url(json::value_to<std::string>(directory.at("newOrder")));
        new_nonce_url_path_ =
            hwacme::test::path_of_url(json::value_to<std::string>(directory.at("newNonce")));
        if (!options_.mischief.empty())
            mischief_.emplace(*hwacme::test::parse_mischief(options_.mischief),
                              upstream_.directory_path(), new_nonce_url_path_, new_order_path_);
    }

    ProxyResponse answer(const ProxyRequest& request) {
        std::string host(request[bhttp::field::host]);
        auto response = honest_answer(request, host);
        if (mischief_) mischief_->apply(request, host, response);
        return response;
    }

private:
    ProxyResponse honest_answer(const ProxyRequest& request, const std::string& host) {
        std::string path(request.target());
        path = path.substr(0, path.find('?'));
        if (request.method() == bhttp::verb::get && path == upstream_.directory_path())
            return directory(request, host);
        if (request.method() == bhttp::verb::get && path.starts_with(kRenewalInfoPrefix))
            return renewal_info(request, path.substr(kRenewalInfoPrefix.size()));
        if (request.method() == bhttp::verb::post && path == new_order_path_) {
            auto response = take_failure() ? injected_failure(request, host) : forward(request);
            record(json::object{{"newOrder", jws_payload(request.body())},
                                {"badNonce", is_bad_nonce(response)}});
            return response;
        }
        return forward(request);
    }

    ProxyResponse forward(const ProxyRequest& request) {
        ProxyRequest outgoing = request;
        outgoing.set("X-Forwarded-Proto", "https");
        ProxyResponse response = upstream_.send(outgoing);
        // Pebble closes each upstream connection; the client's own connection stays open.
        response.erase(bhttp::field::connection);
        if (request.method() != bhttp::verb::head) {
            response.erase(bhttp::field::transfer_encoding);
            response.erase(bhttp::field::content_length);
            response.prepare_payload();
        }
        return response;
    }

    ProxyResponse directory(const ProxyRequest& request, const std::string& host) {
        ProxyResponse response = forward(request);
        if (response.result() != bhttp::status::ok) return response;
        auto directory = json::parse(response.body()).as_object();
        directory["renewalInfo"] = "https://" + host + "/renewal-info";
        if (!options_.profiles.empty()) {
            json::object profiles;
            for (const auto& name : options_.profiles) profiles[name] = "test-only profile " + name;
            auto& meta = directory["meta"];
            if (!meta.is_object()) meta = json::object();
            meta.as_object()["profiles"] = std::move(profiles);
        }
        response.body() = json::serialize(directory);
        response.prepare_payload();
        return response;
    }

    ProxyResponse renewal_info(const ProxyRequest& request, const std::string& id) {
        record(json::object{{"renewalInfo", id}});
        ProxyResponse response(bhttp::status::ok, request.version());
        response.body() = read_file(options_.renewal_info_file);
        if (response.body().empty()) {
            response.result(bhttp::status::not_found);
            response.set(bhttp::field::content_type, "application/problem+json");
            response.body() =
                R"({"type":"urn:ietf:params:acme:error:malformed","detail":"test-only proxy: )"
                R"(no renewal information was written","status":404})";
        } else {
            response.set(bhttp::field::content_type, "application/json");
        }
        if (options_.renewal_info_retry_after)
            response.set(bhttp::field::retry_after,
                         std::to_string(*options_.renewal_info_retry_after));
        response.prepare_payload();
        return response;
    }

    ProxyResponse injected_failure(const ProxyRequest& request, const std::string& host) {
        ProxyResponse response(static_cast<bhttp::status>(options_.fail_status), request.version());
        response.set(bhttp::field::retry_after, next_retry_after());
        if (options_.fail_status == 429) {
            // A real CA's error answers carry a fresh nonce (RFC 8555 §6.5); take one from Pebble.
            ProxyRequest nonce_request(bhttp::verb::head, new_nonce_url_path_, 11);
            nonce_request.set(bhttp::field::host, host);
            nonce_request.set("X-Forwarded-Proto", "https");
            auto nonce = upstream_.send(nonce_request);
            response.set("Replay-Nonce", nonce["Replay-Nonce"]);
            response.set(bhttp::field::content_type, "application/problem+json");
            response.body() =
                R"({"type":"urn:ietf:params:acme:error:rateLimited","detail":"test-only proxy: )"
                R"(too many new orders","status":429})";
        } else {
            response.set(bhttp::field::content_type, "text/plain");
            response.body() = "test-only proxy: service unavailable\n";
        }
        response.prepare_payload();
        return response;
    }

    static json::value jws_payload(const std::string& body) {
        auto jws = json::parse(body).as_object();
        auto payload = hwacme::base64url_decode(json::value_to<std::string>(jws.at("payload")));
        return json::parse(std::string(payload.begin(), payload.end()));
    }

    // Pebble refuses 5 % of nonces; hwacme then sends the same newOrder again, which is no order.
    static bool is_bad_nonce(const ProxyResponse& response) {
        return response.result() == bhttp::status::bad_request &&
               response.body().find("urn:ietf:params:acme:error:badNonce") != std::string::npos;
    }

    std::string next_retry_after() {
        std::lock_guard lock(mutex_);
        const auto& values = options_.fail_retry_after;
        return values.at(std::min(retry_afters_sent_++, values.size() - 1));
    }

    bool take_failure() {
        std::lock_guard lock(mutex_);
        if (failures_left_ <= 0) return false;
        --failures_left_;
        return true;
    }

    void record(const json::object& line) {
        if (options_.record_file.empty()) return;
        std::lock_guard lock(mutex_);
        std::ofstream out(options_.record_file, std::ios::app);
        out << json::serialize(line) << "\n";
    }

    ProxyOptions options_;
    TestOnlyUpstream upstream_;
    std::string new_order_path_;
    std::string new_nonce_url_path_;
    std::optional<hwacme::test::MischiefMaker> mischief_;
    std::mutex mutex_;
    int failures_left_;
    std::size_t retry_afters_sent_ = 0;
};

ProxyResponse bad_gateway(const ProxyRequest& request, const std::string& why) {
    ProxyResponse response(bhttp::status::bad_gateway, request.version());
    response.set(bhttp::field::content_type, "text/plain");
    response.body() = "test-only proxy: " + why + "\n";
    response.prepare_payload();
    return response;
}

/// One client connection: read a request, answer, repeat while the client keeps it alive.
void serve(asio::ip::tcp::socket socket, asio::ssl::context& tls, Proxy& proxy) {
    beast::error_code ec;
    beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls);
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;
    beast::flat_buffer buffer;
    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.body_limit(kRequestBodyLimit);
        bhttp::read(stream, buffer, parser, ec);
        if (ec) break;
        const auto& request = parser.get();
        ProxyResponse response;
        try {
            response = proxy.answer(request);
        } catch (const std::exception& e) {
            response = bad_gateway(request, e.what());
        }
        response.keep_alive(request.keep_alive());
        bhttp::write(stream, response, ec);
        if (ec || !request.keep_alive()) break;
    }
    stream.shutdown(ec);
}

/// Written only once the socket listens, then renamed into place: whoever sees the file can
/// connect.
void write_port_file(const std::string& path, unsigned short port) {
    std::string temporary = path + ".tmp";
    std::ofstream(temporary) << port << "\n";
    std::filesystem::rename(temporary, path);
}

}  // namespace

int main(int argc, char** argv) {
    ProxyOptions options;
    CLI::App app{"TEST-ONLY ACME reverse proxy in front of Pebble; never use it for anything else"};
    app.add_option("--upstream", options.upstream, "Pebble's directory URL")->required();
    app.add_option("--upstream-ca", options.upstream_ca, "PEM root of Pebble's TLS")->required();
    app.add_option("--cert", options.cert, "PEM TLS certificate to serve")->required();
    app.add_option("--key", options.key, "PEM key of --cert")->required();
    app.add_option("--port-file", options.port_file, "where to write the port once listening")
        ->required();
    app.add_option("--record-file", options.record_file,
                   "JSON lines: each newOrder payload and renewalInfo id");
    app.add_option("--renewal-info-file", options.renewal_info_file,
                   "JSON served at /renewal-info/<id>");
    app.add_option("--renewal-info-retry-after", options.renewal_info_retry_after,
                   "Retry-After of renewalInfo answers, in seconds");
    app.add_option("--profiles", options.profiles, "profile names for meta.profiles")
        ->delimiter(',');
    app.add_option("--fail-new-order", options.fail_new_order,
                   "answer the first N newOrder requests with --fail-status");
    app.add_option("--fail-status", options.fail_status, "503 or 429")
        ->check(CLI::IsMember({503u, 429u}));
    app.add_option("--fail-retry-after", options.fail_retry_after,
                   "Retry-After of each injected failure in turn (repeatable; the last holds "
                   "for the rest), as sent: seconds or an HTTP date");
    app.add_option("--mischief", options.mischief,
                   "one way to misbehave as a hostile CA (see test_only_mischief.h)")
        ->check([](const std::string& name) {
            return hwacme::test::parse_mischief(name) ? "" : "unknown mischief " + name;
        });
    CLI11_PARSE(app, argc, argv);

    try {
        Proxy proxy(options);
        asio::ssl::context tls(asio::ssl::context::tls_server);
        tls.use_certificate_chain_file(options.cert);
        tls.use_private_key_file(options.key, asio::ssl::context::pem);
        asio::io_context io;
        asio::ip::tcp::acceptor acceptor(
            io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        write_port_file(options.port_file, acceptor.local_endpoint().port());
        for (;;) {
            asio::ip::tcp::socket socket = acceptor.accept();
            std::thread(serve, std::move(socket), std::ref(tls), std::ref(proxy)).detach();
        }
    } catch (const std::exception& e) {
        std::cerr << "test-only-acme-proxy: " << e.what() << "\n";
        return 1;
    }
}
