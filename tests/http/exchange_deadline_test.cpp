#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "agent/http/connection_budget.h"
#include "agent/http/standalone_http01.h"
#include "agent/http/tls_alpn01_responder.h"
#include "tests/http/hostile_peers.h"

using hwacme::http::kExchangeDeadline;
using hwacme::test::HostilePeers;
using namespace std::chrono_literals;

namespace {

/// A challenge server of either kind on 127.0.0.1 and the bytes a slow peer of it trickles.
struct Server {
    std::unique_ptr<hwacme::http::StandaloneHttp01Server> http;
    std::unique_ptr<hwacme::http::TlsAlpn01Server> tls;
    std::string trickle;
    std::uint16_t port() const { return http ? http->port() : tls->port(); }
};

Server start_server(const std::string& type) {
    Server server;
    if (type == "http-01") {
        server.http = std::make_unique<hwacme::http::StandaloneHttp01Server>(
            std::vector<std::string>{"127.0.0.1"}, 0);
        server.trickle = "GET /.well-known/acme-challenge/x HTTP/1.1\r\nX-Slow: ";
    } else {
        server.tls = std::make_unique<hwacme::http::TlsAlpn01Server>(
            std::vector<std::string>{"127.0.0.1"}, 0);
        server.trickle = std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
    }
    return server;
}

}  // namespace

TEST_CASE("a challenge server closes idle and trickling peers at the exchange deadline", "[unit]") {
    auto type = GENERATE(std::string("http-01"), std::string("tls-alpn-01"));
    INFO(type);
    auto server = start_server(type);
    // A byte a second: a timeout per read would never fire, only a deadline for the whole
    // exchange does.
    HostilePeers peers(server.port(), 1, 1, server.trickle, 1s);
    peers.connect_all(2s);
    peers.start();
    std::this_thread::sleep_for(kExchangeDeadline + 2s);
    auto stats = peers.stop();
    INFO("longest lifetime " << stats.longest_lifetime.count() << " ms");
    CHECK(stats.closed_by_server == 2);
    // Slack for the peers' 20 ms poll and a loaded machine.
    CHECK(stats.longest_lifetime >= kExchangeDeadline - 100ms);
    CHECK(stats.longest_lifetime <= kExchangeDeadline + 1s);
}
