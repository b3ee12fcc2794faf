#pragma once

#include <string>
#include <vector>

#include "agent/sandbox/landlock.h"
#include "agent/sandbox/sandbox_policy.h"
#include "agent/sandbox/seccomp_filter.h"

namespace hwacme::sandbox {

/// Which layers of the sandbox hold, and why a missing one is missing.
struct SandboxReport {
    bool no_new_privs = false;
    std::string no_new_privs_reason;  ///< why not, when !no_new_privs
    LandlockOutcome landlock;
    SeccompOutcome seccomp;

    /// One line for the log, said once per run, e.g. "sandbox: no_new_privs, Landlock ABI 7
    /// (3 paths skipped: /etc/gai.conf, ...), seccomp allow-list of 98 calls".
    std::string describe() const;
    /// Names of the layers not enforced ("no_new_privs", "Landlock", "seccomp").
    std::vector<std::string> missing_layers() const;
};

/// Confines the calling process for good: PR_SET_NO_NEW_PRIVS, then Landlock (policy paths and
/// ports plus system_read_paths() and system_connect_ports()), then the seccomp allow-list last,
/// as it must still allow what the other two call while they are set up.
///
/// Call it once, after set-up and before the first byte from the network is parsed, while the
/// process has a single thread: Landlock binds only the calling thread and the threads it starts
/// later. Error{InvalidArgument} when other threads already run.
/// A layer the kernel lacks is reported, and the rest applied; with policy.require_all it is an
/// Error{Unsupported} naming the layer instead (the layers before it stay applied).
SandboxReport apply_sandbox(const SandboxPolicy& policy);

}  // namespace hwacme::sandbox
