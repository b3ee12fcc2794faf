#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "agent/sandbox/landlock.h"
#include "agent/sandbox/sandbox.h"
#include "common/error.h"
#include "common/fd.h"
#include "tests/sandbox/sandboxed_child.h"

using hwacme::Fd;
using hwacme::sandbox::SandboxPolicy;
using hwacme::test::ChildReport;
using hwacme::test::outcome_of;
using hwacme::test::run_sandboxed;

namespace {

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

std::uint16_t bound_port(const Fd& socket) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

// A loopback listener on a port the kernel picks, kept open by the parent for the whole case.
Fd listener() {
    Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    auto address = loopback(0);
    if (socket.get() < 0 ||
        ::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(socket.get(), 4) != 0) {
        throw hwacme::Error(hwacme::Errc::Io, "cannot listen on 127.0.0.1");
    }
    return socket;
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
    auto address = loopback(port);
    if (::bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        return outcome_of(-1);
    }
    return outcome_of(::listen(socket.get(), 4));
}

// TCP rules came with Landlock ABI 4 (Linux 6.7).
bool port_rules_here() {
    if (hwacme::sandbox::landlock_abi() >= 4) return true;
    WARN("SKIPPED: this kernel's Landlock (ABI " << hwacme::sandbox::landlock_abi()
                                                 << ") cannot restrict TCP ports");
    return false;
}

}  // namespace

TEST_CASE("Landlock lets TCP connect to the policy's ports only", "[unit][sandbox]") {
    if (!port_rules_here()) return;
    Fd allowed = listener();
    Fd other = listener();
    SandboxPolicy policy;
    policy.connect_ports = {bound_port(allowed)};
    auto child = run_sandboxed(policy, [&](ChildReport& report) {
        report.put("allowed", try_connect(bound_port(allowed)));
        report.put("other", try_connect(bound_port(other)));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("allowed") == "ok");
    CHECK(child.fact("other") == "EACCES");
}

TEST_CASE("Landlock lets the challenge servers bind the policy's ports only", "[unit][sandbox]") {
    if (!port_rules_here()) return;
    // Two distinct ports picked by the kernel, then released for the child to bind.
    Fd first = listener();
    Fd second = listener();
    std::uint16_t allowed_port = bound_port(first);
    std::uint16_t other_port = bound_port(second);
    first = Fd(-1);
    second = Fd(-1);
    SandboxPolicy policy;
    policy.bind_ports = {allowed_port};
    auto child = run_sandboxed(policy, [&](ChildReport& report) {
        report.put("allowed", try_listen(allowed_port));
        report.put("other", try_listen(other_port));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("allowed") == "ok");
    CHECK(child.fact("other") == "EACCES");
}
