#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "agent/http/http_client.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "tests/support/free_port.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"

using hwacme::Errc;
using hwacme::Error;
using hwacme::http::Client;
using hwacme::http::ClientOptions;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

void run(const std::vector<std::string>& argv) {
    if (hwacme::test::run_command(argv).exit_code != 0)
        throw std::runtime_error(argv[0] + " " + argv[1] + " failed");
}

bool accepts_connections(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
}

/// A throwaway CA and a server certificate for 127.0.0.1 it signed, made by the openssl CLI.
struct TestPki {
    explicit TestPki(const fs::path& dir)
        : ca_cert(dir / "ca.pem"), server_cert(dir / "server.pem"), server_key(dir / "server.key") {
        fs::create_directories(dir);
        auto ca_key = dir / "ca.key";
        auto csr = dir / "server.csr";
        auto extensions = dir / "server.ext";
        run({"openssl",
             "req",
             "-x509",
             "-newkey",
             "ec",
             "-pkeyopt",
             "ec_paramgen_curve:P-256",
             "-nodes",
             "-keyout",
             ca_key,
             "-out",
             ca_cert,
             "-days",
             "1",
             "-subj",
             "/CN=hwacme test CA",
             "-addext",
             "basicConstraints=critical,CA:TRUE",
             "-addext",
             "keyUsage=critical,keyCertSign,cRLSign"});
        run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", server_key, "-out", csr, "-subj", "/CN=127.0.0.1"});
        hwacme::write_file_atomic(extensions,
                                  "subjectAltName=IP:127.0.0.1\n"
                                  "basicConstraints=critical,CA:FALSE\n"
                                  "extendedKeyUsage=serverAuth\n");
        run({"openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
             "-CAcreateserial", "-days", "1", "-extfile", extensions, "-out", server_cert});
    }

    fs::path ca_cert;
    fs::path server_cert;
    fs::path server_key;
};

/// `openssl s_server -www` on a free loopback port: answers GET / with 200 and a status page.
class TlsServer {
    static hwacme::test::ProcessOptions quiet_output() {
        hwacme::test::ProcessOptions options;
        options.stdout_path = options.stderr_path = "/dev/null";
        return options;
    }

public:
    explicit TlsServer(const TestPki& pki)
        : port_(static_cast<std::uint16_t>(hwacme::test::free_port())),
          process_(
              {"openssl", "s_server", "-quiet", "-accept", "127.0.0.1:" + std::to_string(port_),
               "-cert", pki.server_cert, "-key", pki.server_key, "-www"},
              quiet_output()) {
        auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!accepts_connections(port_)) {
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("openssl s_server did not start listening");
            }
            std::this_thread::sleep_for(20ms);
        }
    }

    std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }

private:
    std::uint16_t port_;
    hwacme::test::Process process_;
};

ClientOptions quick_options() {
    ClientOptions options;
    options.connect_timeout = 5s;
    options.total_timeout = 10s;
    return options;
}

}  // namespace

TEST_CASE("client trusts a server whose certificate chains to the given CA bundle", "[unit]") {
    hwacme::test::TempDir dir;
    TestPki pki(dir.path());
    TlsServer server(pki);

    ClientOptions options = quick_options();
    options.ca_bundle = pki.ca_cert;
    Client client(options);
    auto response = client.get(server.url());
    CHECK(response.status == 200);
    CHECK_THAT(response.body, Catch::Contains("s_server"));
}

TEST_CASE("client refuses a server whose CA is not trusted, naming the URL", "[unit]") {
    hwacme::test::TempDir dir;
    TestPki pki(dir.path() / "served");
    TestPki other(dir.path() / "trusted");
    TlsServer server(pki);

    // A bundle of another CA, not the system store: the refusal must not depend on whether
    // this machine has ca-certificates installed.
    ClientOptions options = quick_options();
    options.ca_bundle = other.ca_cert;
    Client client(options);
    try {
        client.get(server.url());
        FAIL("trusted an unknown CA");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Network);
        CHECK_THAT(e.what(),
                   Catch::Contains("TLS certificate of " + server.url() + " not trusted"));
    }
}

TEST_CASE("hwacme names the missing system trust store and the package that provides it",
          "[unit]") {
    hwacme::test::TempDir dir;
    TestPki pki(dir.path() / "pki");
    TlsServer server(pki);
    // A private mount namespace hides the system store from hwacme alone, as on a minimal
    // Debian without ca-certificates; the mapped root user needs no privilege of its own.
    bool empty_store = GENERATE(false, true);
    std::string hide_store = "mount -t tmpfs hwacme-test /etc/ssl/certs";
    if (empty_store) hide_store += " && : > /etc/ssl/certs/ca-certificates.crt";
    std::vector<std::string> argv{"unshare", "--mount", "--propagation", "private"};
    if (::geteuid() != 0) argv.insert(argv.begin() + 1, "--map-root-user");
    argv.insert(argv.end(),
                {"sh", "-c", hide_store + " && exec \"$@\"", "sh",
                 std::string(HWACME_BINARY_DIR) + "/hwacme", "account", "register", "--account-key",
                 "file:" + (dir.path() / "account.pem").string(), "--agree-tos", "--server",
                 server.url() + "dir", "--state-dir", dir.path() / "state"});

    auto result = hwacme::test::run_command(argv);
    INFO(result.stderr_text);
    CHECK(result.exit_code == 1);
    CHECK(std::count(result.stderr_text.begin(), result.stderr_text.end(), '\n') == 1);
    CHECK_THAT(result.stderr_text, Catch::Contains(server.url() + "dir"));
    CHECK_THAT(result.stderr_text,
               Catch::Contains("/etc/ssl/certs/ca-certificates.crt " +
                               std::string(empty_store ? "is empty" : "is missing")));
    CHECK_THAT(result.stderr_text, Catch::Contains("install the ca-certificates package"));
    CHECK_THAT(result.stderr_text, Catch::Contains("--ca-bundle"));
}
