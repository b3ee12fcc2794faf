#include "agent/sandbox/sandbox_policy.h"

namespace hwacme::sandbox {

std::vector<std::filesystem::path> system_read_paths() {
    return {
        // OpenSSL's configuration (/usr/lib/ssl/openssl.cnf is a link into /etc/ssl) and the
        // system trust store libcurl hands OpenSSL when no --ca-bundle is given.
        "/etc/ssl",
        "/usr/lib/ssl",
        // ca-certificates' sources, which /etc/ssl/certs links into.
        "/usr/share/ca-certificates",
        "/usr/local/share/ca-certificates",
        // getaddrinfo: name servers, the hosts file, the NSS order, address sorting, host.conf.
        "/etc/resolv.conf",
        "/etc/hosts",
        "/etc/nsswitch.conf",
        "/etc/gai.conf",
        "/etc/host.conf",
        // systemd-resolved's stub configuration, which /etc/resolv.conf often links to.
        "/run/systemd/resolve",
        // Service names in URLs ("https") when getaddrinfo is given one instead of a number.
        "/etc/services",
        // NSS modules nsswitch.conf names beyond glibc's built-in files and dns (mdns, resolve,
        // myhostname) are loaded at the first lookup, through the loader's cache.
        "/etc/ld.so.cache",
        "/usr/lib/x86_64-linux-gnu",
        // Local time for log lines and the certificate dates hwacme prints.
        "/etc/localtime",
        "/usr/share/zoneinfo",
        // Randomness when getrandom(2) is missing, and where stray output goes.
        "/dev/urandom",
        "/dev/null",
        // glibc reads its own maps for a thread's stack bounds, the sanitizers read them too.
        "/proc/self",
        // glibc's malloc sizes its arenas from the online CPUs when threads (the resolver's)
        // first allocate.
        "/sys/devices/system/cpu",
    };
}

std::vector<std::uint16_t> system_connect_ports() {
    // glibc's stub resolver retries over TCP when a DNS answer comes back truncated.
    return {53};
}

}  // namespace hwacme::sandbox
