#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <span>

namespace hwacme::sandbox {

/// Stands for the network process's own process id in the rules, known only when it loads the
/// program: the loader puts the id in place of the one comparison with this value.
inline constexpr std::uint32_t kOwnPidPlaceholder = 0x5eccd17d;

/// The network process's seccomp program, compiled from seccomp_rules at build time; empty on
/// an architecture the rules were not written for. Its one comparison with kOwnPidPlaceholder
/// is to be given the loading process's id.
std::span<const sock_filter> network_program();

/// Distinct system calls the program lets through (some only with checked arguments).
std::size_t network_program_allowed_calls();

}  // namespace hwacme::sandbox
