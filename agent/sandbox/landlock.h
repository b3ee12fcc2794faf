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
    /// The kernel's Landlock ABI version; 0 when the kernel offers none.
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

/// Restricts the calling thread (and the threads and children it starts later) to the given
/// paths and ports, using only the access rights the running ABI knows. Needs no_new_privs set.
/// Paths that are missing are skipped and reported; a kernel without Landlock is reported, not
/// thrown: the caller decides whether that is fatal.
LandlockOutcome apply_landlock(const std::vector<std::filesystem::path>& read_only,
                               const std::vector<std::filesystem::path>& read_write,
                               const std::vector<std::uint16_t>& connect_ports,
                               const std::vector<std::uint16_t>& bind_ports);

}  // namespace hwacme::sandbox
