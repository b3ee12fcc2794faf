#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdint>
#include <string>

#include "agent/sandbox/landlock.h"
#include "agent/sandbox/sandbox.h"
#include "common/fd.h"
#include "tests/sandbox/probes.h"
#include "tests/sandbox/sandboxed_child.h"

using hwacme::Fd;
using hwacme::sandbox::SandboxPolicy;
using hwacme::test::bound_port;
using hwacme::test::ChildReport;
using hwacme::test::loopback_listener;
using hwacme::test::run_sandboxed;
using hwacme::test::try_connect;
using hwacme::test::try_connect_abstract;
using hwacme::test::try_listen;

namespace {

// TCP rules came with Landlock ABI 4 (Linux 6.7).
bool port_rules_here() {
    if (hwacme::sandbox::landlock_abi() >= 4) return true;
    WARN("SKIPPED: this kernel's Landlock (ABI " << hwacme::sandbox::landlock_abi()
                                                 << ") cannot restrict TCP ports");
    return false;
}

}  // namespace

TEST_CASE("Landlock lets TCP connect to the policy's ports only", "[unit][sandbox]") {
    if (!port_rules_here()) return;
    Fd allowed = loopback_listener();
    Fd other = loopback_listener();
    SandboxPolicy policy;
    policy.connect_ports = {bound_port(allowed)};
    auto child = run_sandboxed(policy, [&](ChildReport& report) {
        report.put("allowed", try_connect(bound_port(allowed)));
        report.put("other", try_connect(bound_port(other)));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("allowed") == "ok");
    CHECK(child.fact("other") == "EACCES");
}

TEST_CASE("Landlock lets the challenge servers bind the policy's ports only", "[unit][sandbox]") {
    if (!port_rules_here()) return;
    // Two distinct ports picked by the kernel, then released for the child to bind.
    Fd first = loopback_listener();
    Fd second = loopback_listener();
    std::uint16_t allowed_port = bound_port(first);
    std::uint16_t other_port = bound_port(second);
    first = Fd(-1);
    second = Fd(-1);
    SandboxPolicy policy;
    policy.bind_ports = {allowed_port};
    auto child = run_sandboxed(policy, [&](ChildReport& report) {
        report.put("allowed", try_listen(allowed_port));
        report.put("other", try_listen(other_port));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("allowed") == "ok");
    CHECK(child.fact("other") == "EACCES");
}

TEST_CASE("Landlock keeps the sandbox from abstract UNIX sockets outside it", "[unit][sandbox]") {
    int abi = hwacme::sandbox::landlock_abi();
    if (abi < 6) {
        WARN("SKIPPED: this kernel's Landlock (ABI " << abi << ") has no scopes");
        return;
    }
    // A name of this process's own: concurrent runs of the suite must not meet.
    auto name = "hwacme-sandbox-test-" + std::to_string(::getpid());
    Fd outside = hwacme::test::abstract_listener(name);
    auto before = hwacme::test::run_in_child(
        [&](ChildReport& report) { report.put("connect", try_connect_abstract(name)); });
    auto child = run_sandboxed(
        {}, [&](ChildReport& report) { report.put("connect", try_connect_abstract(name)); });
    INFO(child.describe());
    CHECK(before.fact("connect") == "ok");
    CHECK(child.exited_cleanly());
    CHECK(child.fact("connect") == "EPERM");
}
