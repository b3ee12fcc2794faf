#include "agent/sandbox/seccomp_filter.h"

#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "agent/sandbox/seccomp_program.h"

namespace hwacme::sandbox {
namespace {

long seccomp(unsigned operation, unsigned flags, void* argument) {
    return ::syscall(SYS_seccomp, operation, flags, argument);
}

/// The build's program with this process's id where the rules compare with kOwnPidPlaceholder;
/// empty if the program does not hold that comparison exactly once.
std::vector<sock_filter> program_for_this_process() {
    auto built = network_program();
    std::vector<sock_filter> program(built.begin(), built.end());
    auto is_placeholder = [](const sock_filter& op) {
        return op.code == (BPF_JMP | BPF_JEQ | BPF_K) && op.k == kOwnPidPlaceholder;
    };
    if (std::count_if(program.begin(), program.end(), is_placeholder) != 1) return {};
    std::find_if(program.begin(), program.end(), is_placeholder)->k =
        static_cast<std::uint32_t>(::getpid());
    return program;
}

}  // namespace

SeccompOutcome apply_seccomp() {
    SeccompOutcome outcome;
    // PR_GET_SECCOMP is EINVAL only on a kernel built without seccomp.
    if (::prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0 && errno == EINVAL) {
        outcome.unavailable_reason = "kernel built without seccomp";
        return outcome;
    }
    if (network_program().empty()) {
        outcome.unavailable_reason = "allow-list written for x86_64 only";
        return outcome;
    }
    // The kernel must kill a whole process (Linux 4.14), not just one thread, which would
    // leave the rest running with a missing thread.
    std::uint32_t kill_process = SECCOMP_RET_KILL_PROCESS;
    if (seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &kill_process) != 0) {
        outcome.unavailable_reason = "kernel cannot kill a whole process (needs Linux 4.14)";
        return outcome;
    }
    auto program = program_for_this_process();
    if (program.empty()) {
        outcome.unavailable_reason = "the built seccomp program has no place for the process id";
        return outcome;
    }
    sock_fprog loadable{static_cast<unsigned short>(program.size()), program.data()};
    // Every thread gets the filter, not just this one (TSYNC). The caller has set
    // no_new_privs, without which an unprivileged process may not load one.
    long rc = seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &loadable);
    if (rc != 0) {
        outcome.unavailable_reason =
            rc > 0 ? "thread " + std::to_string(rc) + " could not take the seccomp filter"
                   : std::string("loading the seccomp filter failed: ") + std::strerror(errno);
        return outcome;
    }
    outcome.allowed_calls = network_program_allowed_calls();
    outcome.enforced = true;
    return outcome;
}

}  // namespace hwacme::sandbox
