#include "tests/tpm/tabrmd_fixture.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "tests/support/slurp.h"

namespace hwacme::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 15s;

// A session bus that lets its one user do anything: the bus is private to the test.
void write_bus_config(const std::filesystem::path& config, const std::filesystem::path& socket) {
    std::ofstream(config) << R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus )"
                             R"(Configuration 1.0//EN" )"
                             R"("http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">)"
                          << "\n<busconfig><type>session</type><listen>unix:path="
                          << socket.string()
                          << "</listen><auth>EXTERNAL</auth><policy context=\"default\">"
                             "<allow send_destination=\"*\"/><allow receive_sender=\"*\"/>"
                             "<allow own=\"*\"/>"
                             "<allow user=\"*\"/></policy></busconfig>\n";
}

}  // namespace

TabrmdFixture::TabrmdFixture()
    : dir_("hwacme-tabrmd"),
      bus_name_("com.intel.tss2.Tabrmd.hwacme" + std::to_string(::getpid()) + "x" +
                std::to_string(swtpm_.port())) {
    require_tool("dbus-daemon", "dbus-daemon");
    require_tool("tpm2-abrmd", "tpm2-abrmd");
    if (!std::filesystem::exists("/usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so.0"))
        throw std::runtime_error("the tabrmd TCTI is missing: install libtss2-tcti-tabrmd0");
    write_bus_config(dir_ / "bus.conf", dir_ / "bus");
    bus_.emplace(
        std::vector<std::string>{"dbus-daemon", "--config-file=" + (dir_ / "bus.conf").string(),
                                 "--nofork", "--nopidfile"},
        ProcessOptions{
            .env = {}, .stdout_path = dir_ / "bus.log", .stderr_path = dir_ / "bus.log"});
    ProcessOptions abrmd_options{
        .env = env(), .stdout_path = dir_ / "abrmd.log", .stderr_path = dir_ / "abrmd.log"};
    std::vector<std::string> abrmd{"tpm2-abrmd", "--session", "--dbus-name=" + bus_name_,
                                   "--tcti=" + swtpm_.tcti(), "--flush-all"};
    if (::geteuid() == 0) abrmd.push_back("--allow-root");
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (!std::filesystem::exists(dir_ / "bus")) {
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("dbus-daemon did not start");
        std::this_thread::sleep_for(10ms);
    }
    abrmd_.emplace(abrmd, abrmd_options);
    // Ready once a client gets an answer through it.
    for (;;) {
        auto probe = run_command({"tpm2_getcap", "handles-transient"},
                                 {env().front(), "TPM2TOOLS_TCTI=" + tcti()}, 5s);
        if (probe.exit_code == 0) break;
        if (auto code = abrmd_->wait_for_exit(0ms))
            throw std::runtime_error("tpm2-abrmd exited with " + std::to_string(*code) + ": " +
                                     slurp(dir_ / "abrmd.log"));
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("tpm2-abrmd did not answer: " + probe.stderr_text +
                                     " (tpm2-abrmd: " + slurp(dir_ / "abrmd.log") +
                                     "; dbus-daemon: " + slurp(dir_ / "bus.log") + ")");
        std::this_thread::sleep_for(50ms);
    }
}

std::string TabrmdFixture::tcti() const {
    return "tabrmd:bus_name=" + bus_name_ + ",bus_type=session";
}

std::vector<std::string> TabrmdFixture::env() const {
    return {"DBUS_SESSION_BUS_ADDRESS=unix:path=" + (dir_ / "bus").string()};
}

}  // namespace hwacme::test
