#pragma once

// The network process's system-call rules in libseccomp's terms. Only the build's program
// generator (seccomp_program_generator) reads them: it compiles them to the BPF program the
// network process loads, so no run spends milliseconds compiling the same rules again.
#include <seccomp.h>

#include <cstdint>
#include <string_view>
#include <vector>

namespace hwacme::sandbox {

/// One allowed call; when `when` is not empty, only with those argument values (all must hold).
struct SeccompRule {
    int call;
    std::vector<scmp_arg_cmp> when = {};
};

struct SeccompGroup {
    std::string_view why;
    std::vector<SeccompRule> rules;
};

/// The calls the network process may make, by purpose.
std::vector<SeccompGroup> allow_list();

/// Calls that mean the process is no longer ours: they kill it.
std::vector<int> kill_list();

}  // namespace hwacme::sandbox
