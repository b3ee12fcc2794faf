#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/fd.h"

namespace hwacme::custody {

/// The network process custody forks, connected to it by a socketpair. Not copyable; the
/// destructor kills and reaps a process still running.
class NetworkProcess {
public:
    /// Forks this process, which must not have opened a key or read a secret yet and must have
    /// one thread. In custody (the parent) returns the network process; SIGTERM, SIGINT and
    /// SIGHUP sent to custody from then on are passed on to it. In the network process returns
    /// nullopt, with network_client() connected to custody, its copy of the environment
    /// entries named `secret_variables` wiped and removed, and no other descriptor of custody's.
    /// Error{Io} when it cannot fork.
    static std::optional<NetworkProcess> fork(const std::vector<std::string>& secret_variables);

    NetworkProcess(NetworkProcess&& other) noexcept;
    NetworkProcess(const NetworkProcess&) = delete;
    NetworkProcess& operator=(const NetworkProcess&) = delete;
    NetworkProcess& operator=(NetworkProcess&&) = delete;
    ~NetworkProcess();

    /// Custody's end of the socketpair.
    int fd() const { return fd_.get(); }
    pid_t pid() const { return pid_; }

    /// Closes custody's end, waits up to `grace` for the process to end (then kills it) and
    /// returns its status the way a shell would: the exit code, or 128 + the signal that ended
    /// it.
    int wait(std::chrono::seconds grace);

private:
    NetworkProcess(pid_t pid, Fd fd) : pid_(pid), fd_(std::move(fd)) {}

    pid_t pid_;
    Fd fd_;
};

}  // namespace hwacme::custody
