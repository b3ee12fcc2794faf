#include "agent/sandbox/sandbox.h"

#include <sys/prctl.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <system_error>

#include "common/error.h"

namespace hwacme::sandbox {
namespace {

// Landlock (before ABI 8) restricts only the calling thread: a thread started earlier would
// stay free.
void require_single_thread() {
    std::error_code ec;
    std::filesystem::directory_iterator tasks("/proc/self/task", ec);
    if (ec) return;  // no /proc: nothing to count with, and nothing to gain by refusing
    auto count = std::distance(tasks, std::filesystem::directory_iterator{});
    if (count > 1) {
        throw Error(Errc::InvalidArgument, "sandbox: applied while " + std::to_string(count) +
                                               " threads run; Landlock would bind only one");
    }
}

void require(const SandboxPolicy& policy, bool enforced, const std::string& layer,
             const std::string& reason) {
    if (policy.require_all && !enforced) {
        throw Error(Errc::Unsupported,
                    "sandbox: " + layer + " is required but unavailable: " + reason);
    }
}

template <class T>
std::vector<T> joined(std::vector<T> first, const std::vector<T>& second) {
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

std::string describe_landlock(const LandlockOutcome& landlock) {
    if (!landlock.enforced) return "no Landlock (" + landlock.unavailable_reason + ")";
    std::string text = "Landlock ABI " + std::to_string(landlock.abi);
    std::vector<std::string> notes;
    if (!landlock.skipped.empty()) {
        auto count = landlock.skipped.size();
        std::string note = std::to_string(count) + (count == 1 ? " path" : " paths") + " skipped:";
        for (const auto& skipped : landlock.skipped) {
            note += " " + skipped.path.string();
            if (skipped.reason != "does not exist") note += " (" + skipped.reason + ")";
        }
        notes.push_back(note);
    }
    if (!landlock.ports_enforced) notes.push_back("TCP ports not restricted: needs ABI 4");
    if (notes.empty()) return text;
    text += " (";
    for (std::size_t i = 0; i < notes.size(); ++i) text += (i ? "; " : "") + notes[i];
    return text + ")";
}

}  // namespace

std::string SandboxReport::describe() const {
    std::string text = "sandbox: ";
    text += no_new_privs ? "no_new_privs" : "no no_new_privs (" + no_new_privs_reason + ")";
    text += ", " + describe_landlock(landlock) + ", ";
    text += seccomp.enforced
                ? "seccomp allow-list of " + std::to_string(seccomp.allowed_calls) + " calls"
                : "no seccomp (" + seccomp.unavailable_reason + ")";
    return text;
}

std::vector<std::string> SandboxReport::missing_layers() const {
    std::vector<std::string> missing;
    if (!no_new_privs) missing.emplace_back("no_new_privs");
    if (!landlock.enforced) missing.emplace_back("Landlock");
    if (!seccomp.enforced) missing.emplace_back("seccomp");
    return missing;
}

SandboxReport apply_sandbox(const SandboxPolicy& policy) {
    require_single_thread();
    SandboxReport report;

    // Landlock refuses to restrict a process that could regain privileges through a set-uid
    // program; no_new_privs also keeps any later execve (which seccomp kills anyway) harmless.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
        report.no_new_privs = true;
    } else {
        report.no_new_privs_reason = std::strerror(errno);
    }
    require(policy, report.no_new_privs, "no_new_privs", report.no_new_privs_reason);

    LandlockRules rules;
    rules.read_only = joined(policy.read_only, system_read_paths());
    rules.read_write = policy.read_write;
    rules.connect_ports = joined(policy.connect_ports, system_connect_ports());
    rules.bind_ports = policy.bind_ports;
    report.landlock = apply_landlock(rules);
    require(policy, report.landlock.enforced, "Landlock", report.landlock.unavailable_reason);

    report.seccomp = apply_seccomp();
    require(policy, report.seccomp.enforced, "seccomp", report.seccomp.unavailable_reason);
    return report;
}

}  // namespace hwacme::sandbox
