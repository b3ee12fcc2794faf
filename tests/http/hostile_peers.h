#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace hwacme::test {

/// What the hostile peers saw of the server.
struct HostilePeerStats {
    std::size_t closed_by_server = 0;  ///< connections the server closed (EOF or reset)
    std::size_t reopened = 0;          ///< of those, how many were connected again
    /// The longest time from connect to the server's close, over all closed connections.
    std::chrono::milliseconds longest_lifetime{0};
    /// The fewest connections open at once while run() went on.
    std::size_t fewest_open = 0;
};

/// Connections a hostile peer holds to a challenge server on 127.0.0.1:`port`: `idle` ones that
/// never send a byte and `slow` ones that send one byte of `trickle` (cycling) every `interval`,
/// so that a timeout per read never fires. At each interval every connection the server closed
/// is opened again, so the server always faces idle + slow of them. Not thread-safe apart from
/// stop().
class HostilePeers {
public:
    HostilePeers(std::uint16_t port, std::size_t idle, std::size_t slow, std::string trickle,
                 std::chrono::milliseconds interval);
    ~HostilePeers();
    HostilePeers(const HostilePeers&) = delete;
    HostilePeers& operator=(const HostilePeers&) = delete;

    /// Connects them all (non-blocking) and waits until the kernel has established every one,
    /// even while the server accepts none: it fails the test after `timeout` naming how many are
    /// still pending (the listen backlog, net.core.somaxconn, is then too small).
    void connect_all(std::chrono::milliseconds timeout);

    /// Trickles, watches for closes and reopens on a thread of its own until stop().
    void start();
    HostilePeerStats stop();

private:
    struct Peer {
        int fd = -1;
        bool slow = false;
        std::size_t sent = 0;
        std::chrono::steady_clock::time_point opened;
    };
    void open(Peer& peer);
    void run();
    void trickle_and_reopen();
    void watch_for_closes(std::chrono::milliseconds wait);

    std::uint16_t port_;
    std::string trickle_;
    std::chrono::milliseconds interval_;
    std::vector<Peer> peers_;
    HostilePeerStats stats_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

/// Raises this process's RLIMIT_NOFILE soft limit to its hard limit; fails the test, saying
/// how to raise it, when the hard limit is below `needed`.
void require_descriptors(std::size_t needed);

}  // namespace hwacme::test
