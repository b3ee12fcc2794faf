#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace hwacme::test {

struct CommandResult;

/// How to start a child process. The child never goes through a shell: argv is passed as is.
struct ProcessOptions {
    /// "KEY=VALUE" entries added to the parent's environment, replacing a variable of that name.
    std::vector<std::string> env;
    /// Where stdout and stderr go; empty inherits the parent's.
    std::filesystem::path stdout_path;
    std::filesystem::path stderr_path;
    /// Gives the child a pipe as stdin that stays open until close_stdin(); otherwise /dev/null.
    bool stdin_pipe = false;
    /// Starts the child in its own session, so a Ctrl-C at the terminal does not reach it.
    bool new_session = false;
};

/// A running child process, owned: the destructor stops it (SIGTERM, then SIGKILL) and reaps it,
/// so no child outlives its owner and none is left a zombie. Move-only; not thread-safe.
class Process {
public:
    /// Starts argv[0] (looked up in PATH when it has no '/'). Throws Error(NotFound) if it
    /// cannot be executed, Error(Io) if fork or pipe fail.
    explicit Process(const std::vector<std::string>& argv, const ProcessOptions& options = {});
    ~Process();
    Process(Process&& other) noexcept;
    Process& operator=(Process&& other) noexcept;
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const noexcept { return pid_; }

    /// Waits for the child to exit and reaps it. Returns its exit code (128 + signal number when
    /// a signal killed it, as shells report it), or nullopt if it still runs after timeout.
    std::optional<int> wait_for_exit(std::chrono::milliseconds timeout);

    /// Sends SIGTERM, waits up to grace, then sends SIGKILL. Returns the exit code as
    /// wait_for_exit does. Calling it on a child that already exited just returns its code.
    int terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));

    /// The child's peak resident set in KiB, known once it has been reaped.
    std::optional<long> max_rss_kib() const noexcept { return max_rss_kib_; }

    /// Sends EOF to a child started with stdin_pipe.
    void close_stdin() noexcept;

private:
    // Pipe ends run_command hands the child as stdout and stderr, in place of the options' paths.
    struct CaptureFds {
        int stdout_fd = -1;
        int stderr_fd = -1;
    };
    Process(const std::vector<std::string>& argv, const ProcessOptions& options,
            CaptureFds capture);
    friend CommandResult run_command(const std::vector<std::string>& argv,
                                     const std::vector<std::string>& env,
                                     std::chrono::milliseconds timeout);
    void stop() noexcept;

    pid_t pid_ = -1;
    int pidfd_ = -1;  // becomes readable when the child exits: waits need no polling loop
    int stdin_fd_ = -1;
    std::optional<int> exit_code_;
    std::optional<long> max_rss_kib_;
};

/// The outcome of a short-lived command.
struct CommandResult {
    int exit_code = -1;  ///< as Process::wait_for_exit
    std::string stdout_text;
    std::string stderr_text;
    bool timed_out = false;  ///< the command ran past its timeout and was killed
    long max_rss_kib = 0;    ///< the command's peak resident set
};

/// Runs argv to completion, capturing stdout and stderr (both drained concurrently, so a chatty
/// command cannot deadlock on a full pipe). Past timeout the command is killed and the result
/// says timed_out (SIGTERM, then SIGKILL a second later). Output written after the command exited
/// by a background grandchild that kept the pipes open is not waited for. Throws like Process's
/// constructor.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace hwacme::test
