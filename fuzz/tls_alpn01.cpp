// The first bytes a network peer sends to the tls-alpn-01 server (RFC 8737): a TLS record with
// a ClientHello whose ALPN and SNI extensions the server reads itself, before OpenSSL has checked
// them. The parsers are private to agent/http/tls_alpn01_responder.cpp, so each input goes to a
// real server on 127.0.0.1 over its own connection, closed after the input is sent.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/http/tls_alpn01_responder.h"

namespace {

// Far below the server's own handshake timeout: the server answers an ended input at once.
constexpr timeval kReadTimeout{2, 0};

std::uint16_t server_port() {
    static auto server = [] {
        auto s = std::make_unique<hwacme::http::TlsAlpn01Server>(
            std::vector<std::string>{"127.0.0.1"}, std::uint16_t{0});
        s->provision("example.com", "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.thumbprint");
        s->provision("192.0.2.7", "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.thumbprint");
        return s;
    }();
    return server->port();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(server_port());
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) __builtin_trap();
    // The server runs in this process, so a crash of it ends the run by itself; a connection
    // refused for a moment (backlog full, loopback ports in TIME_WAIT after a hundred thousand
    // inputs, as CI saw) is the harness's limit, and that input is skipped.
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        ::usleep(10'000);
        return 0;
    }
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &kReadTimeout, sizeof kReadTimeout);
    for (std::size_t sent = 0; sent < size;) {
        ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<std::size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    // Waiting for the server to close keeps one handshake at a time, as with a real validator.
    char buffer[4096];
    while (::recv(fd, buffer, sizeof buffer, 0) > 0) {
    }
    ::close(fd);
    return 0;
}
