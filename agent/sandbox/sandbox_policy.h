#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace hwacme::sandbox {

/// What the network process may touch once its set-up is done. Plain data: the run's options
/// decide the folders and ports, system_read_paths() adds what the libraries read behind our back.
struct SandboxPolicy {
    /// Files and folders read, never written: the CA bundle, the configuration.
    std::vector<std::filesystem::path> read_only;
    /// Folders written: the state folder, certificate output folders, an http-01 webroot.
    /// Landlock grants only what exists when the sandbox is applied: create them first.
    std::vector<std::filesystem::path> read_write;
    /// TCP ports the CA, its certificate URLs and its renewal-info URLs are served on.
    std::vector<std::uint16_t> connect_ports;
    /// TCP ports the http-01 and tls-alpn-01 challenge servers listen on.
    std::vector<std::uint16_t> bind_ports;
    /// A layer the kernel does not offer (no_new_privs, Landlock, seccomp) becomes an
    /// Error{Unsupported} instead of one line in the report.
    bool require_all = false;
};

/// Files and folders that glibc, OpenSSL and libcurl read on their own (resolver configuration,
/// trust store, OpenSSL configuration, time zones, randomness): granted read-only on top of
/// SandboxPolicy::read_only. Entries that do not exist on this system are skipped by Landlock.
std::vector<std::filesystem::path> system_read_paths();

/// TCP ports every run may connect to on top of SandboxPolicy::connect_ports.
std::vector<std::uint16_t> system_connect_ports();

}  // namespace hwacme::sandbox
