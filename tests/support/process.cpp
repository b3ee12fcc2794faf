#include "tests/support/process.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "common/error.h"

extern char** environ;

namespace hwacme::test {
namespace {

using Clock = std::chrono::steady_clock;

/// A file descriptor, owned.
class UniqueFd {
public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const noexcept { return fd_; }
    int release() noexcept { return std::exchange(fd_, -1); }
    void reset() noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

[[noreturn]] void throw_errno(const std::string& what) {
    throw Error(Errc::Io, what + ": " + std::strerror(errno));
}

struct Pipe {
    UniqueFd read_end;
    UniqueFd write_end;
};

// O_CLOEXEC: no other child, started by any thread, inherits our end and holds the pipe open.
Pipe make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) throw_errno("pipe2");
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

UniqueFd open_file(const std::filesystem::path& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd < 0) throw_errno("open " + path.string());
    return UniqueFd(fd);
}

std::string_view env_key(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

// The parent's environment with the overrides applied; built before fork, because the child of
// a multi-threaded parent must not allocate.
std::vector<std::string> merged_environment(const std::vector<std::string>& overrides) {
    std::vector<std::string> merged;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view key = env_key(*entry);
        bool overridden = false;
        for (const auto& override_entry : overrides) overridden |= env_key(override_entry) == key;
        if (!overridden) merged.emplace_back(*entry);
    }
    merged.insert(merged.end(), overrides.begin(), overrides.end());
    return merged;
}

std::string find_program(const std::string& name, const std::vector<std::string>& environment) {
    if (name.find('/') != std::string::npos) return name;
    std::string_view path = "/usr/local/bin:/usr/bin:/bin";
    for (const auto& entry : environment) {
        if (env_key(entry) == "PATH") path = std::string_view(entry).substr(5);
    }
    while (!path.empty()) {
        std::size_t colon = path.find(':');
        std::string_view dir = path.substr(0, colon);
        std::string candidate = std::string(dir.empty() ? "." : dir) + "/" + name;
        struct stat info {};
        if (::stat(candidate.c_str(), &info) == 0 && S_ISREG(info.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        path = colon == std::string_view::npos ? std::string_view() : path.substr(colon + 1);
    }
    throw Error(Errc::NotFound, name + " not found in PATH");
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

int exit_code_from(int status) {
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

// Only async-signal-safe calls from here to execve: the parent may have other threads.
[[noreturn]] void exec_child(const char* program, char* const* argv, char* const* envp,
                             bool new_session, int stdin_fd, int stdout_fd, int stderr_fd,
                             int exec_error_fd) {
    if (new_session) ::setsid();
    // Ignored signals and the signal mask survive exec; the child starts from the defaults.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
        ::sigaction(signal_number, &default_action, nullptr);
    }
    sigset_t nothing_blocked;
    ::sigemptyset(&nothing_blocked);
    ::sigprocmask(SIG_SETMASK, &nothing_blocked, nullptr);

    if (::dup2(stdin_fd, STDIN_FILENO) < 0) ::_exit(127);
    if (stdout_fd >= 0 && ::dup2(stdout_fd, STDOUT_FILENO) < 0) ::_exit(127);
    if (stderr_fd >= 0 && ::dup2(stderr_fd, STDERR_FILENO) < 0) ::_exit(127);
    // Fds the parent opened without O_CLOEXEC must not leak into the child either.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

    ::execve(program, argv, envp);
    int exec_errno = errno;
    (void)!::write(exec_error_fd, &exec_errno, sizeof exec_errno);
    ::_exit(127);
}

}  // namespace

Process::Process(const std::vector<std::string>& argv, const ProcessOptions& options)
    : Process(argv, options, CaptureFds{}) {}

Process::Process(const std::vector<std::string>& argv, const ProcessOptions& options,
                 CaptureFds capture) {
    if (argv.empty()) throw Error(Errc::InvalidArgument, "Process: empty argv");
    std::vector<std::string> environment = merged_environment(options.env);
    std::string program = find_program(argv[0], environment);
    std::vector<std::string> arguments = argv;
    std::vector<char*> argv_pointers = c_strings(arguments);
    std::vector<char*> envp_pointers = c_strings(environment);

    UniqueFd stdin_read;
    UniqueFd stdin_write;
    if (options.stdin_pipe) {
        Pipe stdin_pipe = make_pipe();
        stdin_read = std::move(stdin_pipe.read_end);
        stdin_write = std::move(stdin_pipe.write_end);
    } else {
        stdin_read = open_file("/dev/null", O_RDONLY);
    }
    UniqueFd stdout_file;
    UniqueFd stderr_file;
    if (!options.stdout_path.empty())
        stdout_file = open_file(options.stdout_path, O_WRONLY | O_CREAT | O_TRUNC);
    if (!options.stderr_path.empty())
        stderr_file = open_file(options.stderr_path, O_WRONLY | O_CREAT | O_TRUNC);
    int stdout_fd = capture.stdout_fd >= 0 ? capture.stdout_fd : stdout_file.get();
    int stderr_fd = capture.stderr_fd >= 0 ? capture.stderr_fd : stderr_file.get();
    // The child reports a failed execve through this pipe; a successful one closes it (CLOEXEC).
    Pipe exec_error = make_pipe();

    pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) {
        exec_child(program.c_str(), argv_pointers.data(), envp_pointers.data(), options.new_session,
                   stdin_read.get(), stdout_fd, stderr_fd, exec_error.write_end.get());
    }
    pid_ = pid;
    exec_error.write_end.reset();
    int exec_errno = 0;
    ssize_t got;
    do {
        got = ::read(exec_error.read_end.get(), &exec_errno, sizeof exec_errno);
    } while (got < 0 && errno == EINTR);
    if (got > 0) {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        throw Error(exec_errno == ENOENT || exec_errno == EACCES ? Errc::NotFound : Errc::Io,
                    "cannot execute " + program + ": " + std::strerror(exec_errno));
    }
    // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C", so its pidfd_open does
    // not link from C++.
    pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd_ < 0) {
        int open_errno = errno;
        stop();
        errno = open_errno;
        throw_errno("pidfd_open");
    }
    stdin_fd_ = stdin_write.release();
}

Process::~Process() {
    stop();
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::exchange(other.pidfd_, -1)),
      stdin_fd_(std::exchange(other.stdin_fd_, -1)),
      exit_code_(std::exchange(other.exit_code_, std::nullopt)),
      max_rss_kib_(std::exchange(other.max_rss_kib_, std::nullopt)) {}

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        stop();
        pid_ = std::exchange(other.pid_, -1);
        pidfd_ = std::exchange(other.pidfd_, -1);
        stdin_fd_ = std::exchange(other.stdin_fd_, -1);
        exit_code_ = std::exchange(other.exit_code_, std::nullopt);
        max_rss_kib_ = std::exchange(other.max_rss_kib_, std::nullopt);
    }
    return *this;
}

std::optional<int> Process::wait_for_exit(std::chrono::milliseconds timeout) {
    if (exit_code_ || pid_ < 0) return exit_code_;
    const auto deadline = Clock::now() + timeout;
    while (true) {
        auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd exited{pidfd_, POLLIN, 0};
        int ready = ::poll(&exited, 1, static_cast<int>(std::max<long>(remaining.count(), 0)));
        if (ready > 0) break;
        if (ready == 0) return std::nullopt;
        if (errno != EINTR) throw_errno("poll");
    }
    int status = 0;
    rusage usage{};
    while (::wait4(pid_, &status, 0, &usage) < 0) {
        if (errno != EINTR) throw_errno("wait4");
    }
    exit_code_ = exit_code_from(status);
    max_rss_kib_ = usage.ru_maxrss;
    ::close(pidfd_);
    pidfd_ = -1;
    return exit_code_;
}

int Process::terminate(std::chrono::milliseconds grace) {
    if (auto code = wait_for_exit(std::chrono::milliseconds(0))) return *code;
    ::kill(pid_, SIGTERM);
    if (auto code = wait_for_exit(grace)) return *code;
    ::kill(pid_, SIGKILL);
    // SIGKILL cannot be caught; only a process stuck in the kernel (D state) takes longer.
    return wait_for_exit(std::chrono::hours(1)).value_or(128 + SIGKILL);
}

void Process::close_stdin() noexcept {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
}

void Process::stop() noexcept {
    close_stdin();
    if (pid_ < 0) return;
    try {
        terminate();
    } catch (const Error&) {
        // poll or waitpid failed: nothing more a destructor can do.
    }
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
    pid_ = -1;
}

namespace {

// Appends what fd has available now. Returns false at end of file.
bool read_available(int fd, std::string& out) {
    std::array<char, 65536> buffer{};
    while (true) {
        ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got > 0) {
            out.append(buffer.data(), static_cast<std::size_t>(got));
        } else if (got == 0) {
            return false;
        } else if (errno == EAGAIN) {
            return true;
        } else if (errno != EINTR) {
            throw_errno("read");
        }
    }
}

UniqueFd nonblocking(UniqueFd fd) {
    int flags = ::fcntl(fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK) < 0) throw_errno("fcntl");
    return fd;
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                          std::chrono::milliseconds timeout) {
    Pipe out = make_pipe();
    Pipe err = make_pipe();
    ProcessOptions options;
    options.env = env;
    Process process(argv, options, Process::CaptureFds{out.write_end.get(), err.write_end.get()});
    // Only the child may hold the write ends now, so its exit brings end of file.
    out.write_end.reset();
    err.write_end.reset();
    UniqueFd out_fd = nonblocking(std::move(out.read_end));
    UniqueFd err_fd = nonblocking(std::move(err.read_end));

    CommandResult result;
    const auto deadline = Clock::now() + timeout;
    std::array<pollfd, 3> watched{
        {{out_fd.get(), POLLIN, 0}, {err_fd.get(), POLLIN, 0}, {process.pidfd_, POLLIN, 0}}};
    while (true) {
        auto remaining = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
        if (remaining.count() <= 0) {
            result.timed_out = true;
            result.exit_code = process.terminate(std::chrono::seconds(1));
            break;
        }
        int ready = ::poll(watched.data(), watched.size(), static_cast<int>(remaining.count()));
        if (ready < 0 && errno != EINTR) throw_errno("poll");
        if (ready <= 0) continue;
        // A negative fd makes poll skip an entry: used once a pipe reached end of file.
        if (watched[0].revents != 0 && !read_available(out_fd.get(), result.stdout_text))
            watched[0].fd = -1;
        if (watched[1].revents != 0 && !read_available(err_fd.get(), result.stderr_text))
            watched[1].fd = -1;
        if (watched[2].revents != 0) {
            result.exit_code = process.wait_for_exit(std::chrono::milliseconds(0)).value_or(-1);
            result.max_rss_kib = process.max_rss_kib().value_or(0);
            break;
        }
    }
    // Whatever the command wrote before it exited is in the pipes already.
    if (watched[0].fd >= 0) read_available(out_fd.get(), result.stdout_text);
    if (watched[1].fd >= 0) read_available(err_fd.get(), result.stderr_text);
    return result;
}

}  // namespace hwacme::test
