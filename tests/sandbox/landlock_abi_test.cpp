#include <catch2/catch.hpp>

#include <sys/prctl.h>

#include <filesystem>
#include <string>

#include "agent/sandbox/landlock.h"
#include "common/atomic_file.h"
#include "common/fd.h"
#include "tests/sandbox/probes.h"
#include "tests/sandbox/sandboxed_child.h"
#include "tests/support/temp_dir.h"

using hwacme::sandbox::LandlockRules;
using hwacme::test::ChildReport;
namespace fs = std::filesystem;

// Debian 12's own kernel offers ABI 2, backports and newer releases more: the ruleset each
// older ABI is given (its struct size, its rights) must be accepted and must confine.
TEST_CASE("the ruleset of each older Landlock ABI is accepted and confines", "[unit][sandbox]") {
    int kernel_abi = hwacme::sandbox::landlock_abi();
    int limit = GENERATE(1, 2, 3, 4, 5, 6);
    if (limit > kernel_abi) {
        WARN("SKIPPED: this kernel's Landlock is ABI " << kernel_abi << ", not " << limit);
        return;
    }
    hwacme::test::TempDir dir("hwacme-sandbox");
    fs::create_directories(dir / "state");
    hwacme::write_file_atomic(dir / "ca.pem", "listed\n");
    hwacme::write_file_atomic(dir / "secret", "not listed\n");
    hwacme::Fd allowed = hwacme::test::loopback_listener();
    hwacme::Fd other = hwacme::test::loopback_listener();

    LandlockRules rules;
    rules.read_only = {dir / "ca.pem"};
    rules.read_write = {dir / "state"};
    rules.connect_ports = {hwacme::test::bound_port(allowed)};
    rules.abi_limit = limit;
    auto child = hwacme::test::run_in_child([&](ChildReport& report) {
        ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
        auto outcome = hwacme::sandbox::apply_landlock(rules);
        report.put("enforced", outcome.enforced ? "yes" : outcome.unavailable_reason);
        report.put("abi", std::to_string(outcome.abi));
        report.put("listed", hwacme::test::try_read(dir / "ca.pem"));
        report.put("secret", hwacme::test::try_read(dir / "secret"));
        hwacme::write_file_atomic(dir / "state" / "order.json", "{}\n");
        report.put("atomic", "ok");
        report.put("allowed-port", hwacme::test::try_connect(hwacme::test::bound_port(allowed)));
        report.put("other-port", hwacme::test::try_connect(hwacme::test::bound_port(other)));
    });
    INFO("ABI limit " << limit << "\n" << child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("enforced") == "yes");
    CHECK(child.fact("abi") == std::to_string(limit));
    CHECK(child.fact("listed") == "ok");
    CHECK(child.fact("secret") == "EACCES");
    CHECK(child.fact("atomic") == "ok");
    CHECK(child.fact("allowed-port") == "ok");
    // Before ABI 4 Landlock cannot see TCP: the port stays open, as the report says.
    CHECK(child.fact("other-port") == (limit >= 4 ? "EACCES" : "ok"));
}
