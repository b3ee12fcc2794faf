#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "agent/sandbox/landlock.h"
#include "agent/sandbox/sandbox.h"
#include "common/atomic_file.h"
#include "tests/sandbox/probes.h"
#include "tests/sandbox/sandboxed_child.h"
#include "tests/support/temp_dir.h"

using hwacme::sandbox::SandboxPolicy;
using hwacme::test::ChildReport;
using hwacme::test::run_sandboxed;
using hwacme::test::try_create;
using hwacme::test::try_read;
namespace fs = std::filesystem;

namespace {

// Landlock's answers need a kernel that has it; the rest of these children's sandbox still runs.
bool landlock_here() {
    if (hwacme::sandbox::landlock_abi() > 0) return true;
    WARN("SKIPPED: this kernel offers no Landlock");
    return false;
}

}  // namespace

TEST_CASE("Landlock lets the policy's files be read and refuses a file it does not list",
          "[unit][sandbox]") {
    if (!landlock_here()) return;
    hwacme::test::TempDir dir("hwacme-sandbox");
    fs::create_directories(dir / "config");
    fs::create_directories(dir / "elsewhere");
    hwacme::write_file_atomic(dir / "config" / "hwacme.conf", "listed\n");
    hwacme::write_file_atomic(dir / "ca.pem", "listed file\n");
    hwacme::write_file_atomic(dir / "elsewhere" / "secret", "not listed\n");

    SandboxPolicy policy;
    policy.read_only = {dir / "config", dir / "ca.pem", dir / "no-such-file"};
    auto child = run_sandboxed(policy, [&](ChildReport& report) {
        report.put("folder", try_read(dir / "config" / "hwacme.conf"));
        report.put("file", try_read(dir / "ca.pem"));
        report.put("elsewhere", try_read(dir / "elsewhere" / "secret"));
        report.put("system", try_read("/etc/hosts"));
        report.put("write-read-only", try_create(dir / "config" / "new"));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("folder") == "ok");
    CHECK(child.fact("file") == "ok");
    CHECK(child.fact("elsewhere") == "EACCES");
    CHECK(child.fact("system") == "ok");
    CHECK(child.fact("write-read-only") == "EACCES");
    // A missing path is skipped and named, never fatal.
    CHECK_THAT(child.fact("sandbox"), Catch::Contains((dir / "no-such-file").string()));
    CHECK_FALSE(fs::exists(dir / "config" / "new"));
}

TEST_CASE("Landlock lets the read_write folders take atomic writes and links and new folders",
          "[unit][sandbox]") {
    if (!landlock_here()) return;
    hwacme::test::TempDir dir("hwacme-sandbox");
    fs::create_directories(dir / "state");
    fs::create_directories(dir / "certs");
    hwacme::write_file_atomic(dir / "state" / "account.json", "old\n");

    SandboxPolicy policy;
    policy.read_write = {dir / "state", dir / "certs"};
    auto child = run_sandboxed(policy, [&](ChildReport& report) {
        hwacme::write_file_atomic(dir / "state" / "account.json", "new\n");
        report.put("atomic", "ok");
        fs::create_directories(dir / "certs" / "example.org" / "0a1b");
        hwacme::write_file_atomic(dir / "certs" / "example.org" / "0a1b" / "cert.pem", "pem\n");
        report.put("nested", "ok");
        // A release's "current" link is made beside it and renamed into place.
        fs::create_symlink("0a1b", dir / "certs" / "example.org" / ".current.tmp");
        fs::rename(dir / "certs" / "example.org" / ".current.tmp",
                   dir / "certs" / "example.org" / "current");
        report.put("link", "ok");
        // A rename from one granted folder into another (REFER, ABI 2).
        hwacme::write_file_atomic(dir / "state" / "moving", "m\n");
        fs::rename(dir / "state" / "moving", dir / "certs" / "moved");
        report.put("cross-folder", "ok");
        fs::remove(dir / "certs" / "moved");
        report.put("remove", "ok");
        report.put("outside", try_create(dir / "outside"));
    });
    INFO(child.describe());
    CHECK(child.exited_cleanly());
    CHECK(child.fact("atomic") == "ok");
    CHECK(child.fact("nested") == "ok");
    CHECK(child.fact("link") == "ok");
    CHECK(child.fact("remove") == "ok");
    CHECK(child.fact("outside") == "EACCES");
    CHECK(hwacme::read_file(dir / "state" / "account.json") == "new\n");
    CHECK(hwacme::read_file(dir / "certs" / "example.org" / "current" / "cert.pem") == "pem\n");
    CHECK_FALSE(fs::exists(dir / "outside"));
    if (hwacme::sandbox::landlock_abi() >= 2) CHECK(child.fact("cross-folder") == "ok");
}
