#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace hwacme {

/// How a child program ended.
struct ChildOutcome {
    int start_error = 0;     ///< errno when it could not be started (then nothing else is set)
    int exit_code = 0;       ///< when it exited
    int signal = 0;          ///< when a signal killed it
    bool timed_out = false;  ///< it ran past its deadline and was killed

    bool succeeded() const {
        return start_error == 0 && signal == 0 && exit_code == 0 && !timed_out;
    }
    /// "exit status 3", "signal 9 (Killed)", "No such file or directory", "still running at its
    /// deadline (killed)".
    std::string describe() const;
};

struct ChildEnvironment {
    /// "NAME=VALUE" entries on top of this process's environment, replacing a variable of that
    /// name.
    std::vector<std::string> set;
    /// Names of this process's variables the child must not see (secrets).
    std::vector<std::string> remove;
};

/// Runs argv[0] (looked up in PATH when it has no '/') with argv, without a shell, stdin from
/// /dev/null and stdout sent to our stderr (our stdout may be machine-read JSON), and waits for
/// it. A child still running at `deadline` gets SIGTERM, then SIGKILL two seconds later, and is
/// reaped. Error{Io} only when waiting fails. DNS hooks and deploy hooks run through it.
ChildOutcome run_child(const std::vector<std::string>& argv,
                       const ChildEnvironment& environment = {},
                       std::optional<std::chrono::steady_clock::time_point> deadline = {});

}  // namespace hwacme
