#pragma once

#include <string>

namespace hwacme {

/// Keeps PINs, auth values and EAB keys that pass through this process's memory out of core
/// files and away from same-user debuggers: RLIMIT_CORE 0 (inherited by hooks too) and
/// PR_SET_DUMPABLE 0. Returns what failed, empty when both took.
std::string forbid_core_dumps() noexcept;

}  // namespace hwacme
