#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "agent/http/http_client.h"
#include "agent/http/standalone_http01.h"
#include "agent/sandbox/sandbox.h"
#include "tests/sandbox/sandboxed_child.h"
#include "tests/sandbox/tls_test_server.h"
#include "tests/support/free_port.h"
#include "tests/support/temp_dir.h"

using hwacme::http::Client;
using hwacme::http::ClientOptions;
using hwacme::sandbox::SandboxPolicy;
using hwacme::test::ChildReport;
using hwacme::test::run_sandboxed;
using hwacme::test::TlsTestServer;
using namespace std::chrono_literals;

namespace {

ClientOptions trusting(const std::filesystem::path& ca_bundle) {
    ClientOptions options;
    options.ca_bundle = ca_bundle;
    options.connect_timeout = 10s;
    options.total_timeout = 30s;
    return options;
}

// What the network process would be given for a CA served by `server`.
SandboxPolicy policy_for(const TlsTestServer& server) {
    SandboxPolicy policy;
    policy.read_only = {server.ca_bundle()};
    policy.connect_ports = {server.port()};
    return policy;
}

// Status and whether the body is s_server's page, or the client's error, as one fact.
std::string fetch(Client& client, const std::string& url) {
    try {
        auto response = client.get(url);
        bool page = response.body.find("s_server") != std::string::npos;
        return std::to_string(response.status) + (page ? " s_server page" : " other body");
    } catch (const std::exception& e) {
        return e.what();
    }
}

// This machine's name and the IPv4 loopback address the hosts file gives it, if any: a name
// that goes through getaddrinfo on libcurl's resolver thread, where "localhost" does not
// (libcurl answers localhost itself).
std::optional<std::pair<std::string, std::string>> loopback_host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return std::nullopt;
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(name, nullptr, &hints, &found) != 0 || !found) return std::nullopt;
    auto address = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
    ::freeaddrinfo(found);
    if ((ntohl(address.s_addr) >> 24) != 127) return std::nullopt;
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &address, text, sizeof text);
    return std::pair<std::string, std::string>{name, text};
}

}  // namespace

TEST_CASE("hwacme's HTTPS client works inside the sandbox (127.0.0.1 and localhost)",
          "[unit][sandbox]") {
    hwacme::test::TempDir dir("hwacme-sandbox");
    TlsTestServer server(dir.path(), "127.0.0.1");
    auto port = std::to_string(server.port());
    auto child = run_sandboxed(policy_for(server), [&](ChildReport& report) {
        Client client(trusting(server.ca_bundle()));
        report.put("address", fetch(client, "https://127.0.0.1:" + port + "/"));
        Client by_name(trusting(server.ca_bundle()));
        report.put("localhost", fetch(by_name, "https://localhost:" + port + "/"));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("address") == "200 s_server page");
    CHECK(child.fact("localhost") == "200 s_server page");
}

TEST_CASE("hwacme's HTTPS client resolves a name on libcurl's resolver thread in the sandbox",
          "[unit][sandbox]") {
    auto host = loopback_host_name();
    if (!host) {
        WARN("SKIPPED: this machine's name does not resolve to an IPv4 loopback address");
        return;
    }
    hwacme::test::TempDir dir("hwacme-sandbox");
    TlsTestServer server(dir.path(), host->second, host->first);
    auto url = "https://" + host->first + ":" + std::to_string(server.port()) + "/";
    auto child = run_sandboxed(policy_for(server), [&](ChildReport& report) {
        Client client(trusting(server.ca_bundle()));
        report.put("by-name", fetch(client, url));
    });
    INFO(url << "\n" << child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("by-name") == "200 s_server page");
}

TEST_CASE("the built-in http-01 server answers from inside the sandbox", "[unit][sandbox]") {
    auto port = static_cast<std::uint16_t>(hwacme::test::free_port());
    SandboxPolicy policy;
    policy.bind_ports = {port};
    policy.connect_ports = {port};
    auto child = run_sandboxed(policy, [&](ChildReport& report) {
        hwacme::http::StandaloneHttp01Server server({"127.0.0.1"}, port);
        server.provision("token-1", "token-1.thumbprint");
        Client client(ClientOptions{});
        auto response = client.get("http://127.0.0.1:" + std::to_string(port) +
                                   "/.well-known/acme-challenge/token-1");
        report.put("status", std::to_string(response.status));
        report.put("body", response.body);
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("status") == "200");
    CHECK(child.fact("body") == "token-1.thumbprint");
}
