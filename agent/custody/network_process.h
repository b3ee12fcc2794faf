#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "agent/custody/link.h"

namespace hwacme::custody {

/// The network process custody forks, connected to it by a Link. Not copyable; the
/// destructor kills and reaps a process still running.
class NetworkProcess {
public:
    /// Forks this process, which must not have opened a key or read a secret yet, nor drawn on
    /// OpenSSL's random generator (the network process would know the generator's state, which
    /// custody, whose process id stays the same, would not reseed: its ECDSA nonces with it),
    /// and must have one thread. In custody (the parent) returns the network process; SIGTERM,
    /// SIGINT and SIGHUP sent to custody from then on are passed on to it. In the network process
    /// returns nullopt, with network_client() connected to custody, its copy of the environment
    /// entries named `secret_variables` wiped and removed, and no other descriptor of custody's.
    /// Error{Io} when it cannot fork.
    static std::optional<NetworkProcess> fork(const std::vector<std::string>& secret_variables);

    NetworkProcess(NetworkProcess&& other) noexcept;
    NetworkProcess(const NetworkProcess&) = delete;
    NetworkProcess& operator=(const NetworkProcess&) = delete;
    NetworkProcess& operator=(NetworkProcess&&) = delete;
    ~NetworkProcess();

    /// Custody's end of the link.
    Link& link() { return link_; }
    pid_t pid() const { return pid_; }

    /// Closes custody's end, waits up to `grace` for the process to end (then kills it) and
    /// returns its status the way a shell would: the exit code, or 128 + the signal that ended
    /// it.
    int wait(std::chrono::seconds grace);

private:
    NetworkProcess(pid_t pid, Link link) : pid_(pid), link_(std::move(link)) {}

    pid_t pid_;
    Link link_;
};

}  // namespace hwacme::custody
