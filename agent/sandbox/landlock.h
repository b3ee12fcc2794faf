#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hwacme::sandbox {

/// A policy path Landlock could not grant: it does not exist here, or could not be opened.
struct SkippedPath {
    std::filesystem::path path;
    std::string reason;
};

/// What Landlock enforces on the calling process, or why it does not.
struct LandlockOutcome {
    /// The Landlock ABI whose rights are handled: the kernel's, or LandlockRules::abi_limit
    /// when lower; 0 when the kernel offers none.
    int abi = 0;
    bool enforced = false;
    /// Why not, when !enforced: "kernel has no Landlock", "disabled at boot", an errno text.
    std::string unavailable_reason;
    /// ABI 4: TCP bind and connect limited to the policy's ports.
    bool ports_enforced = false;
    /// ABI 6: signals and abstract UNIX sockets limited to this sandbox.
    bool scoped = false;
    std::vector<SkippedPath> skipped;
};

/// The running kernel's Landlock ABI version; 0 when there is none, errno saying why.
int landlock_abi();

/// What Landlock is asked to allow; everything else of what the ABI can restrict is denied.
struct LandlockRules {
    std::vector<std::filesystem::path> read_only;
    std::vector<std::filesystem::path> read_write;
    std::vector<std::uint16_t> connect_ports;
    std::vector<std::uint16_t> bind_ports;
    /// Handle only the rights of this ABI and older, as on an older kernel; 0: the kernel's.
    /// Lets the tests run, on one kernel, the rulesets older kernels are given.
    int abi_limit = 0;
};

/// Restricts the calling thread (and the threads and children it starts later) to `rules`,
/// using only the access rights the running ABI knows. Needs no_new_privs set.
/// Paths that are missing are skipped and reported; a kernel without Landlock is reported, not
/// thrown: the caller decides whether that is fatal.
LandlockOutcome apply_landlock(const LandlockRules& rules);

}  // namespace hwacme::sandbox
