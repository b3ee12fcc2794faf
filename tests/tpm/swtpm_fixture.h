#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace hwacme::test {

/// Throws (failing the test, never skipping it) when `tool` is not in PATH, naming the Debian
/// package that provides it.
void require_tool(const std::string& tool, const std::string& debian_package);

/// A private software TPM for one test: `swtpm socket --tpm2` on two free loopback ports (P for
/// commands, P+1 for control), with its own state folder, started with not-need-init and
/// startup-clear so no TPM2_Startup is owed. The destructor stops it by PID and removes the
/// state. A missing swtpm fails the test naming the Debian package swtpm. Not thread-safe.
class SwtpmFixture {
public:
    SwtpmFixture();
    ~SwtpmFixture();
    SwtpmFixture(const SwtpmFixture&) = delete;
    SwtpmFixture& operator=(const SwtpmFixture&) = delete;

    /// "swtpm:host=127.0.0.1,port=P" — for Tss2_TctiLdr_Initialize, TPM2TOOLS_TCTI and
    /// TPM2OPENSSL_TCTI alike.
    std::string tcti() const;
    std::uint16_t port() const { return port_; }
    const std::filesystem::path& state_dir() const { return dir_; }

    /// SIGTERM and reap: the TPM state (keys made persistent, seeds) stays in state_dir().
    void stop();
    /// SIGKILL and reap, as a crash would.
    void kill();
    /// stop(), then start again on the same state and ports; transient objects are gone.
    void restart();

    /// Runs a tpm2-tools command against this TPM (TPM2TOOLS_TCTI set); fails the test naming
    /// the Debian package tpm2-tools when it is missing.
    CommandResult tpm2_tool(std::vector<std::string> argv) const;

private:
    void start();

    std::filesystem::path dir_;
    std::uint16_t port_ = 0;
    std::optional<Process> process_;
};

}  // namespace hwacme::test
