#pragma once

// The processes of one hwacme run as /proc shows them: custody and the network process it forked
// (and, while one runs, a hook custody started).

#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace hwacme::test {

/// The direct children of `pid` (of its main thread).
inline std::vector<pid_t> children_of(pid_t pid) {
    std::ifstream listed("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                         "/children");
    std::vector<pid_t> children;
    for (pid_t child; listed >> child;) children.push_back(child);
    return children;
}

/// The network process of the hwacme run whose custody is `custody`: its child running the same
/// program; -1 when there is none.
inline pid_t network_process_of(pid_t custody) {
    auto exe_of = [](pid_t pid) {
        std::error_code error;
        return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", error);
    };
    for (pid_t child : children_of(custody))
        if (exe_of(child) == exe_of(custody)) return child;
    return -1;
}

}  // namespace hwacme::test
