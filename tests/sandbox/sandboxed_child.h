#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "agent/sandbox/sandbox_policy.h"

namespace hwacme::test {

/// The child's side of the pipe: each fact is written at once, so what a child said before the
/// kernel killed it still reaches the parent. Values are one line.
class ChildReport {
public:
    explicit ChildReport(int fd) : fd_(fd) {}
    void put(std::string_view key, std::string_view value);

private:
    int fd_;
};

/// What a sandboxed child said, and how it ended.
struct ChildOutcome {
    std::map<std::string, std::string> facts;
    int wait_status = 0;

    /// The value reported under `key`, or "<not reported>".
    std::string fact(const std::string& key) const;
    bool exited_cleanly() const;
    bool killed_by(int signal) const;
    /// Every fact and the wait status, for a failing check's message.
    std::string describe() const;
};

/// Forks; the child runs `body`, reports an escaping exception under "exception" and _exits.
/// Catch2 is never called in the child: the parent asserts on the facts. The child is killed by
/// SIGALRM if it hangs for minutes, so a broken filter cannot hang the suite.
ChildOutcome run_in_child(const std::function<void(ChildReport&)>& body);

/// run_in_child, the child first applying `policy`: its report line under "sandbox", or its
/// error under "sandbox-error" (and then `body` does not run).
ChildOutcome run_sandboxed(const sandbox::SandboxPolicy& policy,
                           const std::function<void(ChildReport&)>& body);

/// "EACCES" for EACCES: what the parent compares, as errno values are not portable text.
std::string errno_name(int error);

/// "ok", or the errno name of a failed call returning -1.
std::string outcome_of(int result);

}  // namespace hwacme::test
