#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "agent/http/http_client.h"
#include "agent/http/standalone_http01.h"
#include "common/error.h"

using hwacme::Error;
using hwacme::http::Client;
using hwacme::http::ClientOptions;
using hwacme::http::StandaloneHttp01Server;
using namespace std::chrono_literals;

namespace {

const std::string kToken = "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0";
const std::string kKeyAuthorization = kToken + ".9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

/// Whether the server answers the challenge at `host` ("127.0.0.1", "[::1]") on its port.
bool answers_at(const StandaloneHttp01Server& server, const std::string& host) {
    ClientOptions options;
    options.connect_timeout = 2s;
    options.total_timeout = 5s;
    Client client(options);
    try {
        return client
                   .get("http://" + host + ":" + std::to_string(server.port()) +
                        "/.well-known/acme-challenge/" + kToken)
                   .body == kKeyAuthorization;
    } catch (const Error&) {
        return false;
    }
}

}  // namespace

TEST_CASE("with no address the built-in server answers over IPv4 and IPv6 on one port", "[unit]") {
    StandaloneHttp01Server server({}, 0);
    server.provision(kToken, kKeyAuthorization);
    CHECK(answers_at(server, "127.0.0.1"));
    CHECK(answers_at(server, "[::1]"));
}

TEST_CASE("an explicit IPv4 address binds exactly that address", "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1"}, 0);
    server.provision(kToken, kKeyAuthorization);
    CHECK(answers_at(server, "127.0.0.1"));
    CHECK_FALSE(answers_at(server, "[::1]"));
}

TEST_CASE("several explicit addresses share the port the kernel chose for the first", "[unit]") {
    StandaloneHttp01Server server({"127.0.0.1", "::1"}, 0);
    server.provision(kToken, kKeyAuthorization);
    CHECK(answers_at(server, "127.0.0.1"));
    CHECK(answers_at(server, "[::1]"));
}

TEST_CASE("the IPv6 and IPv4 wildcards can be listed together", "[unit]") {
    // Without IPV6_V6ONLY on `::`, binding 0.0.0.0 on the same port would fail as in use.
    StandaloneHttp01Server server({"::", "0.0.0.0"}, 0);
    server.provision(kToken, kKeyAuthorization);
    CHECK(answers_at(server, "127.0.0.1"));
    CHECK(answers_at(server, "[::1]"));
}
