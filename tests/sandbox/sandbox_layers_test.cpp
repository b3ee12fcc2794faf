#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "agent/sandbox/landlock.h"
#include "agent/sandbox/sandbox.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "tests/sandbox/sandboxed_child.h"

using hwacme::sandbox::SandboxPolicy;
using hwacme::sandbox::SandboxReport;
using hwacme::test::ChildReport;
using hwacme::test::outcome_of;
using hwacme::test::run_sandboxed;

namespace {

// The line of /proc/self/status that starts with `name`, e.g. "Seccomp:\t2".
std::string status_line(const std::string& name) {
    auto status = hwacme::read_file("/proc/self/status");
    auto start = status.find("\n" + name + ":");
    if (start == std::string::npos) return "<missing>";
    auto end = status.find('\n', start + 1);
    return status.substr(start + 1, end - start - 1);
}

}  // namespace

TEST_CASE("a sandboxed process has no_new_privs and a seccomp filter and says so in one line",
          "[unit][sandbox]") {
    auto child = run_sandboxed({}, [](ChildReport& report) {
        report.put("NoNewPrivs", status_line("NoNewPrivs"));
        report.put("Seccomp", status_line("Seccomp"));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("NoNewPrivs") == "NoNewPrivs:\t1");
    CHECK(child.fact("Seccomp") == "Seccomp:\t2");  // 2: SECCOMP_MODE_FILTER
    CHECK_THAT(child.fact("sandbox"), Catch::StartsWith("sandbox: no_new_privs, "));
    CHECK_THAT(child.fact("sandbox"), Catch::Matches(".*, seccomp allow-list of [0-9]+ calls"));
    int abi = hwacme::sandbox::landlock_abi();
    if (abi > 0) {
        CHECK_THAT(child.fact("sandbox"), Catch::Contains("Landlock ABI " + std::to_string(abi)));
    } else {
        CHECK_THAT(child.fact("sandbox"), Catch::Contains("no Landlock ("));
    }
}

TEST_CASE("execve kills the sandboxed process with SIGSYS", "[unit][sandbox]") {
    auto child = run_sandboxed({}, [](ChildReport& report) {
        report.put("about-to-exec", "yes");
        char path[] = "/bin/true";
        char* argv[] = {path, nullptr};
        ::execve(path, argv, ::environ);
        report.put("execve-returned", hwacme::test::errno_name(errno));
    });
    INFO(child.describe());
    CHECK(child.fact("about-to-exec") == "yes");
    CHECK(child.killed_by(SIGSYS));
}

TEST_CASE("a call off the allow-list fails with EPERM and the process goes on", "[unit][sandbox]") {
    auto child = run_sandboxed({}, [](ChildReport& report) {
        // A new process (clone without CLONE_THREAD) and a netlink socket: both off the list.
        pid_t pid = ::fork();
        if (pid == 0) ::_exit(0);
        report.put("fork", outcome_of(pid));
        report.put("netlink", outcome_of(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0)));
        report.put("still-running", "yes");
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("fork") == "EPERM");
    CHECK(child.fact("netlink") == "EPERM");
    CHECK(child.fact("still-running") == "yes");
}

TEST_CASE("the sandboxed process may signal its own threads and no other process",
          "[unit][sandbox]") {
    // The filter is built with a stand-in for the process id; loading puts this one's in.
    pid_t parent = ::getpid();
    auto child = run_sandboxed({}, [parent](ChildReport& report) {
        report.put("own",
                   outcome_of(static_cast<int>(::syscall(SYS_tgkill, ::getpid(), ::gettid(), 0))));
        report.put("parent",
                   outcome_of(static_cast<int>(::syscall(SYS_tgkill, parent, parent, 0))));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("own") == "ok");
    CHECK(child.fact("parent") == "EPERM");
}

TEST_CASE("threads still start inside the sandbox: clone3 refused and clone for threads allowed",
          "[unit][sandbox]") {
    auto child = run_sandboxed({}, [](ChildReport& report) {
        std::string seen;
        std::thread worker([&seen] { seen = "ran"; });
        worker.join();
        report.put("thread", seen);
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("thread") == "ran");
}

TEST_CASE("the sandbox refuses to be applied while other threads run", "[unit][sandbox]") {
    // In a child: were the refusal missing, the test binary itself would end up confined.
    auto child = hwacme::test::run_in_child([](ChildReport& report) {
        std::mutex mutex;
        std::condition_variable released;
        bool done = false;
        std::thread waiting([&] {
            std::unique_lock lock(mutex);
            released.wait(lock, [&] { return done; });
        });
        try {
            hwacme::sandbox::apply_sandbox({});
            report.put("applied", "yes");
        } catch (const hwacme::Error& e) {
            report.put("code", std::string(hwacme::to_string(e.code())));
            report.put("error", e.what());
        }
        {
            std::lock_guard lock(mutex);
            done = true;
        }
        released.notify_one();
        waiting.join();
    });
    CHECK(child.exited_cleanly());
    CHECK(child.fact("applied") == "<not reported>");
    CHECK(child.fact("code") == std::string(hwacme::to_string(hwacme::Errc::InvalidArgument)));
    CHECK_THAT(child.fact("error"), Catch::Contains("2 threads"));
}

TEST_CASE("the report names skipped paths and unrestricted ports and missing layers", "[unit]") {
    SandboxReport report;
    report.no_new_privs = true;
    report.landlock.enforced = true;
    report.landlock.abi = 3;
    report.landlock.skipped = {{"/etc/gai.conf", "does not exist"},
                               {"/srv/locked", "Permission denied"}};
    report.seccomp.unavailable_reason = "kernel built without seccomp";
    CHECK(report.describe() ==
          "sandbox: no_new_privs, Landlock ABI 3 (2 paths skipped: /etc/gai.conf /srv/locked "
          "(Permission denied); TCP ports not restricted: needs ABI 4), no seccomp (kernel built "
          "without seccomp)");
    CHECK(report.missing_layers() == std::vector<std::string>{"seccomp"});

    report.landlock = {};
    report.landlock.unavailable_reason = "kernel too old (needs Linux 5.13)";
    CHECK_THAT(report.describe(),
               Catch::Contains("no Landlock (kernel too old (needs Linux 5.13))"));
    CHECK(report.missing_layers() == std::vector<std::string>{"Landlock", "seccomp"});
}

TEST_CASE("require_all passes where the kernel offers every layer", "[unit][sandbox]") {
    SandboxPolicy policy;
    policy.require_all = true;
    auto child = run_sandboxed(policy, [](ChildReport& report) { report.put("body", "ran"); });
    bool every_layer = hwacme::sandbox::landlock_abi() > 0;
    if (!every_layer) {
        WARN("this kernel has no Landlock: require_all must refuse");
        CHECK_THAT(child.fact("sandbox-error"),
                   Catch::Contains("sandbox: Landlock is required but unavailable"));
        return;
    }
    INFO(child.describe());
    CHECK(child.fact("body") == "ran");
}
