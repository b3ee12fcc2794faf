#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace hwacme::test {

/// A real `hwacme` run that stops itself (SIGSTOP) right after the call `stop_after` names
/// (test_only_stop_after.cpp: "listen", "openat:NAME"), so that a test can set the scene at that
/// exact point and then resume it. The process that stops is the one that makes the call: the
/// network process custody started, or hwacme itself under --single-process. `prefix` runs before
/// hwacme (e.g. prlimit); stdout and stderr go to files in `log_dir`. Started in its own session;
/// the destructor kills it if it still runs.
class PausedHwacme {
public:
    PausedHwacme(const std::vector<std::string>& prefix, const std::string& stop_after,
                 const std::vector<std::string>& args, const std::filesystem::path& log_dir);

    /// Returns once hwacme has stopped itself; fails the test with its stderr when it exited
    /// first or `timeout` passed.
    void wait_until_stopped(std::chrono::milliseconds timeout);

    void resume();

    /// Waits for hwacme to exit; the result's timed_out says it ran past `timeout` (and was
    /// killed).
    CommandResult wait_for_exit(std::chrono::milliseconds timeout);

private:
    std::filesystem::path stdout_path_;
    std::filesystem::path stderr_path_;
    Process process_;
    pid_t stopped_ = -1;
};

}  // namespace hwacme::test
