#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace hwacme::test {

/// Knobs of the throwaway CA; the defaults give Pebble's own behaviour without validation sleeps.
struct PebbleOptions {
    /// Percentage of valid nonces Pebble rejects with badNonce; unset keeps Pebble's 5 %.
    std::optional<int> nonce_reject_percent;
    /// Number of alternate certificate chains (Link rel="alternate"); unset means none.
    std::optional<int> alternate_roots;
    /// Both set: Pebble requires external account binding with this key id and base64url key.
    std::string eab_kid;
    std::string eab_key;
    /// What the CA's DNS answers for every name it validates: A and AAAA records; empty for
    /// none. Validations reach the built-in challenge servers on these addresses.
    std::string dns_ipv4 = "127.0.0.1";
    std::string dns_ipv6;
    /// "KEY=VALUE" entries passed to scripts/local-pebble and from there to Pebble.
    std::vector<std::string> extra_env;
};

/// A Pebble ACME CA with pebble-challtestsrv as its DNS, on free loopback ports, started by
/// scripts/local-pebble in a fresh temporary directory. The destructor stops both servers and
/// deletes the directory; a helper process does the same if the test process dies first
/// (Ctrl-C, a CTest timeout). Construction throws Error if a tool is missing (naming the Debian
/// package) or the CA does not come up. Not copyable or movable; not thread-safe.
class PebbleFixture {
public:
    explicit PebbleFixture(const PebbleOptions& options = {});
    ~PebbleFixture();
    PebbleFixture(const PebbleFixture&) = delete;
    PebbleFixture& operator=(const PebbleFixture&) = delete;

    /// The ACME directory, e.g. https://127.0.0.1:20123/dir.
    const std::string& directory_url() const noexcept { return directory_url_; }
    /// The CA of Pebble's HTTPS certificate: what a client passes as --ca-bundle.
    const std::filesystem::path& tls_ca_path() const noexcept { return tls_ca_path_; }
    /// The root that issued certificates chain to (PEM); regenerated each time Pebble starts.
    const std::filesystem::path& issuing_root_path() const noexcept { return issuing_root_path_; }
    /// Pebble's management API (HTTPS, same TLS CA), e.g. for /intermediates/0.
    const std::string& management_url() const noexcept { return management_url_; }
    /// Where Pebble sends http-01 and tls-alpn-01 validations, on 127.0.0.1.
    int http_port() const noexcept { return http_port_; }
    int tls_port() const noexcept { return tls_port_; }
    /// challtestsrv's management API (plain HTTP).
    const std::string& challtestsrv_url() const noexcept { return challtestsrv_url_; }
    /// The CA's working directory: config, logs (pebble.log, challtestsrv.log), PID files.
    const std::filesystem::path& dir() const noexcept { return dir_; }
    pid_t pebble_pid() const noexcept { return pebble_pid_; }
    pid_t challtestsrv_pid() const noexcept { return challtestsrv_pid_; }

    /// Serves a TXT record for dns-01 (RFC 8555 §8.4); host is e.g. "_acme-challenge.example.com",
    /// the trailing dot is added if missing. Throws Error(Network) if challtestsrv refuses.
    void set_txt(const std::string& host, const std::string& value);
    void clear_txt(const std::string& host);

private:
    /// Owns `local-pebble guard DIR`, which stops the CA and deletes DIR once its stdin closes:
    /// on release(), or when the kernel closes the pipe because this process died.
    class Guard {
    public:
        explicit Guard(const std::filesystem::path& dir);
        ~Guard() { release(); }
        Guard(const Guard&) = delete;
        Guard& operator=(const Guard&) = delete;
        /// Lets the guard stop the CA and waits until it has.
        void release() noexcept;

    private:
        std::filesystem::path dir_;
        Process process_;
        bool released_ = false;
    };

    void post_to_challtestsrv(const std::string& path, const std::string& json_body);

    std::filesystem::path dir_;
    Guard guard_;
    std::string directory_url_;
    std::filesystem::path tls_ca_path_;
    std::filesystem::path issuing_root_path_;
    std::string management_url_;
    int http_port_ = 0;
    int tls_port_ = 0;
    std::string challtestsrv_url_;
    pid_t pebble_pid_ = -1;
    pid_t challtestsrv_pid_ = -1;
};

}  // namespace hwacme::test
