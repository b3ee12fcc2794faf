#include "agent/custody/network_process.h"

#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <thread>

#include "agent/custody/custody_connection.h"
#include "common/error.h"
#include "common/run_pid.h"

extern char** environ;

namespace hwacme::custody {
namespace {

std::atomic<pid_t> forward_to{0};

// What the kernel sends the network process when custody ends (SIGKILL would end it without a
// word).
constexpr int kCustodyEndedSignal = SIGUSR1;

void forward_signal(int signal) {
    if (pid_t pid = forward_to.load(); pid > 0) ::kill(pid, signal);
}

/// The operator and systemd signal the process they started: custody passes the signal on and
/// ends when the network process has.
void forward_signals_to(pid_t pid) {
    forward_to.store(pid);
    struct sigaction action {};
    action.sa_handler = forward_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (int signal : {SIGTERM, SIGINT, SIGHUP}) ::sigaction(signal, &action, nullptr);
}

/// Wipes this process's copy of each environment entry named in `names` and removes it: the
/// bytes of the initial environment stay in memory (and in /proc/PID/environ) otherwise.
void wipe_environment(const std::vector<std::string>& names) {
    for (const auto& name : names) {
        for (char** entry = environ; *entry; ++entry) {
            std::string_view text(*entry);
            if (!text.starts_with(name) || text.size() <= name.size() || text[name.size()] != '=')
                continue;
            char* bytes = *entry;
            ::unsetenv(name.c_str());
            ::explicit_bzero(bytes, text.size());
            break;
        }
    }
}

/// The network process's end when custody has gone: at once, so it neither holds the state lock
/// against a rerun nor goes on talking to the CA for a run nobody can finish. The state it
/// saved is crash-safe; a rerun resumes.
void custody_ended(int) {
    static const char kMessage[] =
        "hwacme: the key custody process ended; the network process stops (a rerun resumes)\n";
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    ::_exit(1);
}

/// Ends this process as soon as `custody` does (PR_SET_PDEATHSIG), including when it already
/// has, between the fork and now.
void end_with(pid_t custody) {
    struct sigaction action {};
    action.sa_handler = custody_ended;
    sigemptyset(&action.sa_mask);
    ::sigaction(kCustodyEndedSignal, &action, nullptr);
    if (::prctl(PR_SET_PDEATHSIG, kCustodyEndedSignal, 0, 0, 0) != 0 || ::getppid() != custody)
        custody_ended(0);
}

int shell_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

}  // namespace

std::optional<NetworkProcess> NetworkProcess::fork(
    const std::vector<std::string>& secret_variables) {
    auto link = Link::make_pair();
    // Nothing buffered may be written twice.
    std::fflush(nullptr);
    pid_t custody = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0)
        throw Error(Errc::Io,
                    std::string("cannot start the network process: ") + std::strerror(errno));
    if (pid == 0) {
        end_with(custody);
        set_run_pid(custody);
        link.custody.close();
        int fd = link.network.socket();
        if (fd > 3) ::close_range(3, static_cast<unsigned>(fd) - 1, 0);
        ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
        wipe_environment(secret_variables);
        become_network_process(std::move(link.network));
        return std::nullopt;
    }
    forward_signals_to(pid);
    return NetworkProcess(pid, std::move(link.custody));
}

NetworkProcess::NetworkProcess(NetworkProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), link_(std::move(other.link_)) {}

NetworkProcess::~NetworkProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    forward_to.store(0);
}

int NetworkProcess::wait(std::chrono::seconds grace) {
    link_.close();
    auto deadline = std::chrono::steady_clock::now() + grace;
    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) break;
        if (done < 0 && errno != EINTR)
            throw Error(Errc::Io, std::string("waiting for the network process failed: ") +
                                      std::strerror(errno));
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(pid_, SIGKILL);
            while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
            }
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    forward_to.store(0);
    return shell_status(status);
}

}  // namespace hwacme::custody
