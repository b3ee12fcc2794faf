#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "agent/http/http_client.h"
#include "agent/http/standalone_http01.h"
#include "common/error.h"
#include "tests/support/free_port.h"

using hwacme::Errc;
using hwacme::Error;
using hwacme::http::Client;
using hwacme::http::ClientOptions;
using hwacme::http::StandaloneHttp01Server;
using namespace std::chrono_literals;

namespace {

const std::string kToken = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
const std::string kKeyAuthorization = kToken + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

std::string challenge_url(const StandaloneHttp01Server& server, const std::string& token) {
    return "http://127.0.0.1:" + std::to_string(server.port()) + "/.well-known/acme-challenge/" +
           token;
}

ClientOptions quick_options() {
    ClientOptions options;
    options.connect_timeout = 2s;
    options.total_timeout = 5s;
    options.user_agent = "hwacme-test";
    return options;
}

/// A TCP connection that connects and then says nothing, as a slow validator might.
class SilentConnection {
public:
    explicit SilentConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    }
    ~SilentConnection() { ::close(fd_); }
    SilentConnection(const SilentConnection&) = delete;
    SilentConnection& operator=(const SilentConnection&) = delete;

private:
    int fd_;
};

}  // namespace

TEST_CASE("standalone server serves a provisioned key authorization byte for byte", "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1"}, 0);
    REQUIRE(server.port() != 0);
    server.provision(kToken, kKeyAuthorization);
    Client client(quick_options());

    auto response = client.get(challenge_url(server, kToken));
    CHECK(response.status == 200);
    CHECK(response.body == kKeyAuthorization);
    CHECK(response.header("Content-Type") == "text/plain");
    CHECK(response.header("content-length") == std::to_string(kKeyAuthorization.size()));
}

TEST_CASE("standalone server answers 404 for unknown tokens, removed tokens and other paths",
          "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1"}, 0);
    server.provision(kToken, kKeyAuthorization);
    Client client(quick_options());
    auto base = "http://127.0.0.1:" + std::to_string(server.port());

    CHECK(client.get(challenge_url(server, "unknown")).status == 404);
    CHECK(client.get(base + "/").status == 404);
    CHECK(client.get(base + "/.well-known/acme-challenge/").status == 404);
    server.remove(kToken);
    CHECK(client.get(challenge_url(server, kToken)).status == 404);
}

TEST_CASE("standalone server serves three concurrent clients", "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1"}, 0);
    server.provision(kToken, kKeyAuthorization);
    // Pebble validates from three places at once; an idle connection must not hold them up.
    SilentConnection idle(server.port());

    std::vector<long> statuses(3);
    std::vector<std::string> bodies(3);
    std::vector<std::exception_ptr> failures(3);
    std::vector<std::thread> validators;
    for (std::size_t i = 0; i < 3; ++i) {
        validators.emplace_back([&, i] {
            try {
                Client client(quick_options());
                auto response = client.get(challenge_url(server, kToken));
                statuses[i] = response.status;
                bodies[i] = response.body;
            } catch (...) {
                failures[i] = std::current_exception();
            }
        });
    }
    for (auto& validator : validators) validator.join();
    for (std::size_t i = 0; i < 3; ++i) {
        if (failures[i]) std::rethrow_exception(failures[i]);
        CHECK(statuses[i] == 200);
        CHECK(bodies[i] == kKeyAuthorization);
    }
}

TEST_CASE("client reuses one connection for ten sequential requests", "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1"}, 0);
    server.provision(kToken, kKeyAuthorization);
    Client client(quick_options());
    for (int i = 0; i < 10; ++i) {
        REQUIRE(client.get(challenge_url(server, kToken)).status == 200);
    }
    CHECK(client.request_count() == 10);
    CHECK(client.connection_count() == 1);
}

TEST_CASE("client switches between HEAD, POST and GET on one handle", "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1"}, 0);
    server.provision(kToken, kKeyAuthorization);
    Client client(quick_options());
    auto url = challenge_url(server, kToken);

    auto head = client.head(url);
    CHECK(head.status == 200);
    CHECK(head.body.empty());
    CHECK(head.header("content-length") == std::to_string(kKeyAuthorization.size()));

    // The server serves challenges to GET only: a 404 proves the POST went out as a POST.
    CHECK(client.post(url, R"({"protected":"e30"})", "application/jose+json").status == 404);
    CHECK(client.post(url, "", "application/jose+json").status == 404);

    auto get = client.get(url);
    CHECK(get.status == 200);
    CHECK(get.body == kKeyAuthorization);
    CHECK(client.connection_count() == 1);
}

TEST_CASE("client reports a refused connection as a Network error naming the URL", "[unit]") {
    auto url = "http://127.0.0.1:" + std::to_string(hwacme::test::free_port()) + "/dir";
    Client client(quick_options());
    try {
        client.get(url);
        FAIL("connected to a closed port");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Network);
        CHECK_THAT(e.what(), Catch::Contains("cannot reach " + url));
    }
}

TEST_CASE("client refuses a CA bundle that does not exist", "[unit]") {
    ClientOptions options = quick_options();
    options.ca_bundle = "/nonexistent/ca.pem";
    try {
        Client client(options);
        FAIL("accepted a missing CA bundle");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK_THAT(e.what(), Catch::Contains("/nonexistent/ca.pem"));
    }
}

TEST_CASE("standalone server on a port in use fails with a Network error", "[unit]") {
    StandaloneHttp01Server first({"127.0.0.1"}, 0);
    try {
        StandaloneHttp01Server second({"127.0.0.1"}, first.port());
        FAIL("bound a port in use");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Network);
        CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(first.port())));
        CHECK_THAT(e.what(), Catch::Contains("in use"));
    }
}

TEST_CASE("standalone server listens on an IPv6 literal", "[unit]") {
    std::unique_ptr<StandaloneHttp01Server> server;
    try {
        server = std::make_unique<StandaloneHttp01Server>(std::vector<std::string>{"::1"}, 0);
    } catch (const Error& e) {
        // A container without IPv6 on loopback; the error must still name the address.
        CHECK_THAT(e.what(), Catch::Contains("[::1]:0"));
        WARN("IPv6 loopback unavailable, only the error was checked: " << e.what());
        return;
    }
    server->provision(kToken, kKeyAuthorization);
    Client client(quick_options());
    auto url =
        "http://[::1]:" + std::to_string(server->port()) + "/.well-known/acme-challenge/" + kToken;
    CHECK(client.get(url).body == kKeyAuthorization);
}

TEST_CASE("standalone server refuses a bind address that is not an IP literal", "[unit]") {
    try {
        StandaloneHttp01Server server({"not-an-address"}, 0);
        FAIL("accepted a host name");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::InvalidArgument);
        CHECK_THAT(e.what(), Catch::Contains("not-an-address"));
    }
}

TEST_CASE("standalone server refuses tokens that are not base64url", "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1"}, 0);
    CHECK_THROWS_AS(server.provision("../x", "y"), Error);
}

TEST_CASE("make_standalone_http01 returns a working responder", "[unit]") {
    auto responder = hwacme::http::make_standalone_http01({"127.0.0.1"}, 0);
    auto* server = dynamic_cast<StandaloneHttp01Server*>(responder.get());
    REQUIRE(server != nullptr);
    responder->provision(kToken, kKeyAuthorization);
    Client client(quick_options());
    CHECK(client.get(challenge_url(*server, kToken)).body == kKeyAuthorization);
}
