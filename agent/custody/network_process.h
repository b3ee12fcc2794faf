#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/fd.h"

namespace hwacme::custody {

/// The network process custody starts: this same program again, with the same arguments,
/// connected to custody by a socketpair. Not copyable; the destructor kills and reaps a process
/// still running.
class NetworkProcess {
public:
    /// Starts /proc/self/exe with this process's arguments, the socketpair's other end as
    /// descriptor 3 (named by HWACME_CUSTODY_FD) and no other descriptor beyond 0-2, and this
    /// process's environment without `secret_variables`. SIGTERM, SIGINT and SIGHUP sent to
    /// custody from then on are passed on to it. Error{Io} when it cannot be started.
    static NetworkProcess start(const std::vector<std::string>& secret_variables);

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
