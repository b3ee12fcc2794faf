#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tpm/swtpm_fixture.h"

namespace hwacme::test {

/// tpm2-abrmd, the user-space TPM resource manager appliances run, in front of a private swtpm:
/// a private D-Bus session bus (its own dbus-daemon) and a tpm2-abrmd on it under a unique name.
/// The destructor stops both by PID. A missing dbus-daemon, tpm2-abrmd or tabrmd TCTI fails
/// the test naming the Debian package. Not thread-safe.
class TabrmdFixture {
public:
    TabrmdFixture();
    TabrmdFixture(const TabrmdFixture&) = delete;
    TabrmdFixture& operator=(const TabrmdFixture&) = delete;

    /// "tabrmd:bus_name=…,bus_type=session": the TCTI of the resource manager.
    std::string tcti() const;
    /// DBUS_SESSION_BUS_ADDRESS=…: what a client of tcti() needs in its environment.
    std::vector<std::string> env() const;
    const SwtpmFixture& swtpm() const { return swtpm_; }

private:
    SwtpmFixture swtpm_;
    TempDir dir_;
    std::string bus_name_;
    std::optional<Process> bus_;
    std::optional<Process> abrmd_;
};

}  // namespace hwacme::test
