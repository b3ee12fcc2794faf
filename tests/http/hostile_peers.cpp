#include "tests/http/hostile_peers.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace hwacme::test {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

}  // namespace

HostilePeers::HostilePeers(std::uint16_t port, std::size_t idle, std::size_t slow,
                           std::string trickle, std::chrono::milliseconds interval)
    : port_(port), trickle_(std::move(trickle)), interval_(interval), peers_(idle + slow) {
    for (std::size_t i = idle; i < peers_.size(); ++i) peers_[i].slow = true;
}

HostilePeers::~HostilePeers() {
    stop();
    for (auto& peer : peers_)
        if (peer.fd >= 0) ::close(peer.fd);
}

// Runs on the peers' thread too, where Catch2 may not assert: a failure leaves fd at -1, and the
// next round tries again.
void HostilePeers::open(Peer& peer) {
    peer.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port_);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (peer.fd >= 0 &&
        ::connect(peer.fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
        errno != EINPROGRESS) {
        ::close(peer.fd);
        peer.fd = -1;
    }
    peer.opened = Clock::now();
    peer.sent = 0;
}

void HostilePeers::connect_all(std::chrono::milliseconds timeout) {
    for (auto& peer : peers_) {
        open(peer);
        REQUIRE(peer.fd >= 0);
    }
    auto start = Clock::now();
    std::size_t pending = peers_.size();
    while (pending > 0 && since(start) < timeout) {
        std::vector<pollfd> fds;
        for (const auto& peer : peers_) fds.push_back({peer.fd, POLLOUT, 0});
        ::poll(fds.data(), fds.size(), 50);
        pending = std::count_if(fds.begin(), fds.end(),
                                [](const pollfd& p) { return !(p.revents & POLLOUT); });
    }
    INFO(pending << " of " << peers_.size()
                 << " connections still pending: is net.core.somaxconn below that?");
    REQUIRE(pending == 0);
    stats_.fewest_open = peers_.size();
}

void HostilePeers::start() {
    thread_ = std::thread([this] { run(); });
}

HostilePeerStats HostilePeers::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    return stats_;
}

void HostilePeers::run() {
    while (!stopping_) {
        trickle_and_reopen();
        watch_for_closes(interval_);
    }
}

void HostilePeers::trickle_and_reopen() {
    for (auto& peer : peers_) {
        if (peer.fd < 0) {
            open(peer);
            if (peer.fd >= 0) ++stats_.reopened;
        } else if (peer.slow) {
            char byte = trickle_[peer.sent++ % trickle_.size()];
            // A failed send shows up as a close in watch_for_closes().
            ::send(peer.fd, &byte, 1, MSG_NOSIGNAL);
        }
    }
}

void HostilePeers::watch_for_closes(std::chrono::milliseconds wait) {
    auto start = Clock::now();
    while (!stopping_ && since(start) < wait) {
        std::vector<pollfd> fds;
        for (const auto& peer : peers_) fds.push_back({peer.fd, POLLIN, 0});
        ::poll(fds.data(), fds.size(), 20);
        std::size_t open = 0;
        for (std::size_t i = 0; i < peers_.size(); ++i) {
            Peer& peer = peers_[i];
            if (peer.fd < 0) continue;
            if (fds[i].revents) {
                char buffer[4096];
                ssize_t n = ::recv(peer.fd, buffer, sizeof buffer, 0);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                    ++stats_.closed_by_server;
                    stats_.longest_lifetime = std::max(stats_.longest_lifetime, since(peer.opened));
                    ::close(peer.fd);
                    peer.fd = -1;
                    continue;
                }
            }
            ++open;
        }
        stats_.fewest_open = std::min(stats_.fewest_open, open);
    }
}

void require_descriptors(std::size_t needed) {
    rlimit limit{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    INFO("this test needs " << needed << " file descriptors, but the hard RLIMIT_NOFILE is "
                            << limit.rlim_max
                            << ": raise it (as root: ulimit -Hn 65536, or LimitNOFILE= in a unit)");
    REQUIRE(limit.rlim_max >= needed);
    limit.rlim_cur = limit.rlim_max;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &limit) == 0);
}

}  // namespace hwacme::test
