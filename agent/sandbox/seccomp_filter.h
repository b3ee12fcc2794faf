#pragma once

#include <cstddef>
#include <string>

namespace hwacme::sandbox {

/// What the seccomp layer enforces on the process, or why it does not.
struct SeccompOutcome {
    bool enforced = false;
    /// Why not, when !enforced: kernel without seccomp, another architecture, an errno text.
    std::string unavailable_reason;
    /// Distinct system calls the filter lets through (some only with checked arguments).
    std::size_t allowed_calls = 0;
};

/// Loads the network process's system-call allow-list on every thread of the process. A call
/// off the list fails with EPERM, so it surfaces as an ordinary error; a call the network process
/// has no business making at all (execve, ptrace, mount, bpf, ...) kills the process. Built for
/// x86_64 only: elsewhere the outcome says so and nothing is loaded. Irreversible.
SeccompOutcome apply_seccomp();

}  // namespace hwacme::sandbox
