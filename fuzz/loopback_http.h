#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace hwacme::fuzz {

/// An HTTP/1.1 server on 127.0.0.1 for targets whose parser hwacme only reaches through its
/// HTTP client: each GET is answered with what `answer(path)` returns (a whole response, head
/// and body), on a kept-alive connection as a CA would. It lives as long as the process: the
/// fuzzer never returns from its loop.
class LoopbackHttp {
public:
    explicit LoopbackHttp(std::function<std::string(const std::string& path)> answer)
        : answer_(std::move(answer)) {
        int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(listener, 4) != 0 ||
            ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0)
            __builtin_trap();
        port_ = ntohs(address.sin_port);
        std::thread([this, listener] {
            for (;;) {
                int connection = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
                if (connection >= 0) serve(connection);
            }
        }).detach();
    }

    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }

private:
    void serve(int connection) {
        std::string pending;
        char buffer[4096];
        for (;;) {
            std::size_t end;
            while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
                ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
                if (n <= 0) return (void)::close(connection);
                pending.append(buffer, static_cast<std::size_t>(n));
            }
            // "GET /path HTTP/1.1": hwacme's client sends GETs without a body here.
            std::size_t path_start = pending.find(' ') + 1;
            std::string path =
                pending.substr(path_start, pending.find(' ', path_start) - path_start);
            pending.erase(0, end + 4);
            std::string response = answer_(path);
            for (std::size_t sent = 0; sent < response.size();) {
                ssize_t n = ::send(connection, response.data() + sent, response.size() - sent,
                                   MSG_NOSIGNAL);
                if (n <= 0) return (void)::close(connection);
                sent += static_cast<std::size_t>(n);
            }
        }
    }

    std::function<std::string(const std::string&)> answer_;
    std::uint16_t port_ = 0;
};

/// A complete 200 answer with a JSON body.
inline std::string json_response(const std::string& body, const std::string& extra_headers = "") {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

}  // namespace hwacme::fuzz
