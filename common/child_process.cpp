#include "common/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "common/error.h"
#include "common/fd.h"

extern char** environ;

namespace hwacme {
namespace {

std::string_view variable_name(std::string_view entry) {
    return entry.substr(0, entry.find('='));
}

std::vector<std::string> child_environment(const ChildEnvironment& environment) {
    auto dropped = [&](std::string_view name) {
        auto same_name = [&](std::string_view other) { return variable_name(other) == name; };
        return std::any_of(environment.set.begin(), environment.set.end(), same_name) ||
               std::any_of(environment.remove.begin(), environment.remove.end(), same_name);
    };
    std::vector<std::string> entries;
    for (char** entry = environ; *entry; ++entry)
        if (!dropped(variable_name(*entry))) entries.emplace_back(*entry);
    entries.insert(entries.end(), environment.set.begin(), environment.set.end());
    return entries;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> pointers;
    for (auto& s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

// posix_spawn_file_actions_t as an owner, destroyed on every path.
class FileActions {
public:
    FileActions() {
        if (int rc = ::posix_spawn_file_actions_init(&actions_); rc != 0)
            throw Error(Errc::Io,
                        std::string("cannot prepare a child process: ") + std::strerror(rc));
    }
    ~FileActions() { ::posix_spawn_file_actions_destroy(&actions_); }
    FileActions(const FileActions&) = delete;
    FileActions& operator=(const FileActions&) = delete;
    posix_spawn_file_actions_t* get() { return &actions_; }

private:
    posix_spawn_file_actions_t actions_;
};

constexpr std::chrono::seconds kTermGrace{2};

/// Waits until the child exits or `deadline` passes; false at the deadline. Through a pidfd, so
/// no signal handler and no polling loop are needed.
bool exited_by(pid_t pid, std::chrono::steady_clock::time_point deadline) {
    // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks extern "C".
    Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    if (pidfd.get() < 0)
        throw Error(Errc::Io, std::string("cannot watch a child process: ") + std::strerror(errno));
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        pollfd exited{pidfd.get(), POLLIN, 0};
        int ready = ::poll(&exited, 1, static_cast<int>(std::min<long>(left.count(), 60'000)));
        if (ready > 0) return true;
        if (ready < 0 && errno != EINTR)
            throw Error(Errc::Io,
                        std::string("cannot wait for a child process: ") + std::strerror(errno));
    }
}

}  // namespace

std::string ChildOutcome::describe() const {
    if (start_error != 0) return std::strerror(start_error);
    if (timed_out) return "still running at its deadline (killed)";
    if (signal != 0) return "signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
    return "exit status " + std::to_string(exit_code);
}

ChildOutcome run_child(const std::vector<std::string>& argv, const ChildEnvironment& environment,
                       std::optional<std::chrono::steady_clock::time_point> deadline) {
    std::vector<std::string> args = argv;
    std::vector<std::string> env = child_environment(environment);
    auto c_args = c_strings(args);
    auto c_env = c_strings(env);
    FileActions actions;
    ::posix_spawn_file_actions_addopen(actions.get(), STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(actions.get(), STDERR_FILENO, STDOUT_FILENO);
    // A hook gets stdin, stdout and stderr only: not the CA connection libcurl keeps alive, nor
    // a token's or a TPM's descriptors, whichever of them lacks FD_CLOEXEC.
    if (int rc = ::posix_spawn_file_actions_addclosefrom_np(actions.get(), STDERR_FILENO + 1);
        rc != 0)
        throw Error(Errc::Io, "cannot prepare to run " + args.at(0) + ": " + std::strerror(rc));
    pid_t pid = 0;
    ChildOutcome outcome;
    outcome.start_error = ::posix_spawnp(&pid, args.at(0).c_str(), actions.get(), nullptr,
                                         c_args.data(), c_env.data());
    if (outcome.start_error != 0) return outcome;
    if (deadline && !exited_by(pid, *deadline)) {
        outcome.timed_out = true;
        ::kill(pid, SIGTERM);
        if (!exited_by(pid, std::chrono::steady_clock::now() + kTermGrace)) ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            throw Error(Errc::Io, "cannot wait for " + args[0] + ": " + std::strerror(errno));
    if (outcome.timed_out) return outcome;
    if (WIFSIGNALED(status))
        outcome.signal = WTERMSIG(status);
    else
        outcome.exit_code = WEXITSTATUS(status);
    return outcome;
}

}  // namespace hwacme
