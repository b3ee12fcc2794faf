#include "agent/custody/network_process.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "agent/custody/custody_connection.h"
#include "common/error.h"

extern char** environ;

namespace hwacme::custody {
namespace {

// The network process's end of the socketpair, as it finds it after exec.
constexpr int kNetworkFd = 3;
// A command line is at most ARG_MAX (2 MiB on Linux).
constexpr std::size_t kMaxCommandLineBytes = 2 * 1024 * 1024;

std::atomic<pid_t> forward_to{0};

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

std::vector<std::string> own_arguments() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string text;
    text.resize(kMaxCommandLineBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.empty() || text.size() > kMaxCommandLineBytes)
        throw Error(Errc::Io, "cannot read this process's command line from /proc/self/cmdline");
    std::vector<std::string> arguments;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\0', start);
        if (end == std::string::npos) end = text.size();
        arguments.emplace_back(text, start, end - start);
        start = end + 1;
    }
    return arguments;
}

std::vector<std::string> network_environment(const std::vector<std::string>& secret_variables) {
    std::vector<std::string> entries;
    for (char** entry = environ; *entry; ++entry) {
        std::string_view text(*entry);
        auto name = text.substr(0, text.find('='));
        bool secret = std::find(secret_variables.begin(), secret_variables.end(), name) !=
                          secret_variables.end() ||
                      name == kCustodyFdVariable;
        if (!secret) entries.emplace_back(text);
    }
    entries.push_back(std::string(kCustodyFdVariable) + "=" + std::to_string(kNetworkFd));
    return entries;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

int shell_status(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

}  // namespace

NetworkProcess NetworkProcess::start(const std::vector<std::string>& secret_variables) {
    auto arguments = own_arguments();
    auto environment = network_environment(secret_variables);
    // Everything the child needs is made before fork: it only moves descriptors and execs.
    auto argv = c_strings(arguments);
    auto envp = c_strings(environment);
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw Error(Errc::Io, std::string("cannot make the socketpair to the network process: ") +
                                  std::strerror(errno));
    Fd custody_end(fds[0]), network_end(fds[1]);
    pid_t pid = ::fork();
    if (pid < 0)
        throw Error(Errc::Io,
                    std::string("cannot start the network process: ") + std::strerror(errno));
    if (pid == 0) {
        int fd = network_end.get();
        bool placed =
            fd == kNetworkFd ? ::fcntl(fd, F_SETFD, 0) == 0 : ::dup2(fd, kNetworkFd) == kNetworkFd;
        if (!placed || ::close_range(kNetworkFd + 1, ~0U, 0) != 0) ::_exit(127);
        ::execve("/proc/self/exe", argv.data(), envp.data());
        ::_exit(127);
    }
    forward_signals_to(pid);
    return NetworkProcess(pid, std::move(custody_end));
}

NetworkProcess::NetworkProcess(NetworkProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), fd_(std::move(other.fd_)) {}

NetworkProcess::~NetworkProcess() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    forward_to.store(0);
}

int NetworkProcess::wait(std::chrono::seconds grace) {
    fd_ = Fd(-1);
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
