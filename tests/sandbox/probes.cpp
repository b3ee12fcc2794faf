#include "tests/sandbox/probes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <utility>

#include "common/error.h"
#include "tests/sandbox/sandboxed_child.h"

namespace hwacme::test {
namespace {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

int bind_loopback(const Fd& socket, std::uint16_t port) {
    auto address = loopback(port);
    return ::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
}

// The address of an abstract socket: a leading NUL, then the name, no terminator.
std::pair<sockaddr_un, socklen_t> abstract_address(const std::string& name) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    auto length = std::min(name.size(), sizeof address.sun_path - 1);
    name.copy(address.sun_path + 1, length);
    return {address, static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + length)};
}

}  // namespace

std::string try_read(const std::filesystem::path& path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return outcome_of(-1);
    char byte;
    return outcome_of(static_cast<int>(::read(fd.get(), &byte, 1)));
}

std::string try_create(const std::filesystem::path& path) {
    Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    return outcome_of(fd.get());
}

std::string try_connect(std::uint16_t port) {
    Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) return outcome_of(-1);
    auto address = loopback(port);
    return outcome_of(
        ::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address));
}

std::string try_listen(std::uint16_t port) {
    Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) return outcome_of(-1);
    int on = 1;
    ::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (bind_loopback(socket, port) != 0) return outcome_of(-1);
    return outcome_of(::listen(socket.get(), 4));
}

std::string try_connect_abstract(const std::string& name) {
    Fd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) return outcome_of(-1);
    auto [address, length] = abstract_address(name);
    return outcome_of(::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), length));
}

Fd abstract_listener(const std::string& name) {
    Fd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto [address, length] = abstract_address(name);
    if (socket.get() < 0 ||
        ::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(socket.get(), 4) != 0) {
        throw Error(Errc::Io, "cannot listen on the abstract socket " + name);
    }
    return socket;
}

Fd loopback_listener() {
    Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (socket.get() < 0 || bind_loopback(socket, 0) != 0 || ::listen(socket.get(), 4) != 0) {
        throw Error(Errc::Io, "cannot listen on 127.0.0.1");
    }
    return socket;
}

std::uint16_t bound_port(const Fd& socket) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

}  // namespace hwacme::test
