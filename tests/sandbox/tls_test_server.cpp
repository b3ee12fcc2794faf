#include "tests/sandbox/tls_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/fd.h"
#include "tests/support/free_port.h"

namespace hwacme::test {
namespace {

using namespace std::chrono_literals;

std::filesystem::path self_signed(const std::filesystem::path& dir, const std::string& name) {
    auto certificate = dir / "server.pem";
    auto result =
        run_command({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                     "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir / "server.key", "-out",
                     certificate, "-days", "1", "-subj", "/CN=hwacme sandbox test", "-addext",
                     "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:" + name});
    if (result.exit_code != 0) throw Error(Errc::Io, "openssl req: " + result.stderr_text);
    return certificate;
}

bool accepts_connections(const std::string& address, std::uint16_t port) {
    Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in peer{};
    peer.sin_family = AF_INET;
    peer.sin_port = htons(port);
    ::inet_pton(AF_INET, address.c_str(), &peer.sin_addr);
    return ::connect(socket.get(), reinterpret_cast<sockaddr*>(&peer), sizeof peer) == 0;
}

ProcessOptions quiet() {
    ProcessOptions options;
    options.stdout_path = options.stderr_path = "/dev/null";
    return options;
}

}  // namespace

TlsTestServer::TlsTestServer(const std::filesystem::path& dir, const std::string& address,
                             const std::string& extra_name)
    : certificate_(self_signed(dir, extra_name)),
      port_(static_cast<std::uint16_t>(free_port())),
      process_({"openssl", "s_server", "-quiet", "-accept", address + ":" + std::to_string(port_),
                "-cert", certificate_, "-key", dir / "server.key", "-www"},
               quiet()) {
    // Readiness, not a timed assertion: the bound only turns a server that never starts into
    // an error instead of a hang.
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!accepts_connections(address, port_)) {
        if (std::chrono::steady_clock::now() > deadline) {
            throw Error(Errc::Network, "openssl s_server did not start listening");
        }
        std::this_thread::sleep_for(20ms);
    }
}

}  // namespace hwacme::test
