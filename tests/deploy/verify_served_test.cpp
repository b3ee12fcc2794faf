// VERIFY_CONNECT: after the reload the hooks make a TLS handshake with the server and fail
// unless it presents the new certificate. A real TLS server (openssl s_server) stands in for the
// reloaded web server, serving a certificate whose serial the test chose.
#include <chrono>
#include <optional>
#include <thread>

#include "tests/deploy/deploy_test_support.h"
#include "tests/support/free_port.h"

using namespace hwacme::test;
using namespace hwacme::test::deploy;
using namespace std::chrono_literals;

namespace {

/// openssl s_server with a fresh self-signed certificate of serial 0x0a1b2c.
class TlsServer {
public:
    explicit TlsServer(const TempDir& tmp) : port_(free_port()) {
        auto made = run_command(
            {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", (tmp / "key.pem").string(), "-out", (tmp / "cert.pem").string(),
             "-subj", "/CN=www.example.com", "-set_serial", "0x0a1b2c", "-days", "1"});
        INFO(made.stderr_text);
        REQUIRE(made.exit_code == 0);
        const auto log = tmp / "s_server.out";
        ProcessOptions options;
        options.stdout_path = log;
        options.stderr_path = tmp / "s_server.err";
        server_.emplace(
            std::vector<std::string>{"openssl", "s_server", "-key", (tmp / "key.pem").string(),
                                     "-cert", (tmp / "cert.pem").string(), "-accept",
                                     "127.0.0.1:" + std::to_string(port_), "-www"},
            options);
        // s_server prints ACCEPT once it listens.
        const auto deadline = std::chrono::steady_clock::now() + 20s;
        while (slurp(log).find("ACCEPT") == std::string::npos) {
            REQUIRE_FALSE(server_->wait_for_exit(0ms).has_value());
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(20ms);
        }
    }
    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

private:
    int port_;
    std::optional<Process> server_;
};

std::vector<std::string> env_for(const TlsServer& server, const std::string& serial) {
    auto env = hwacme_env("file:/etc/hwacme/keys/web.pem");
    env.push_back("VERIFY_CONNECT=" + server.address());
    env.push_back("VERIFY_SERVERNAME=www.example.com");
    env.push_back("VERIFY_ATTEMPTS=2");
    std::erase_if(env,
                  [](const std::string& entry) { return entry.starts_with("HWACME_SERIAL="); });
    env.push_back("HWACME_SERIAL=" + serial);
    return env;
}

}  // namespace

TEST_CASE("a hook succeeds when the reloaded server presents the new certificate", "[unit]") {
    HookBench bench("verify");
    TlsServer server(bench.tmp());
    // OpenSSL prints the serial as 0A1B2C; hwacme's hex may differ in case and leading zeros.
    auto result = bench.run("nginx-reload", "NGINX", env_for(server, "000a1b2c"));
    INFO(result.stderr_text);
    CHECK(result.exit_code == 0);
    CHECK(bench.calls() == "test\nreload\n");
}

TEST_CASE("a hook fails when the reloaded server still presents another certificate", "[unit]") {
    HookBench bench("verify");
    TlsServer server(bench.tmp());
    auto result = bench.run("apache-reload", "APACHE", env_for(server, "ffee01"));
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("presents serial 0A1B2C, not ffee01") != std::string::npos);
}

TEST_CASE("a hook fails when no handshake succeeds after the reload", "[unit]") {
    HookBench bench("verify");
    auto env = hwacme_env("file:/etc/hwacme/keys/web.pem");
    env.push_back("VERIFY_CONNECT=127.0.0.1:" + std::to_string(free_port()));
    env.push_back("VERIFY_ATTEMPTS=1");
    auto result = bench.run("nginx-reload", "NGINX", env);
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("none (no handshake)") != std::string::npos);
}
