#include <arpa/inet.h>

#include "agent/config/sections.h"
#include "common/log.h"

namespace hwacme::config {
namespace {

/// The built-in challenge servers bind to an IP literal (http/listen.h), never a host name.
void check_listen_address(const ObjectReader& challenge, const std::string& address) {
    unsigned char buffer[16];
    if (::inet_pton(AF_INET, address.c_str(), buffer) != 1 &&
        ::inet_pton(AF_INET6, address.c_str(), buffer) != 1)
        challenge.fail("listen_address",
                       "must be an IPv4 or IPv6 address like 127.0.0.1 or ::1, "
                       "not '" +
                           log::printable(address) + "'");
}

}  // namespace

ChallengeConfig read_challenge(const ObjectReader& challenge) {
    ChallengeConfig out;
    if (auto type = challenge.string("type")) {
        if (*type != "http-01" && *type != "dns-01" && *type != "tls-alpn-01")
            challenge.fail("type", "must be \"http-01\", \"dns-01\" or \"tls-alpn-01\"");
        out.type = *type;
    }
    if (const auto* addresses = challenge.find("listen_address")) {
        if (addresses->is_array()) {
            out.listen_addresses = *challenge.strings("listen_address");
            if (out.listen_addresses.empty())
                challenge.fail("listen_address",
                               "must name at least one address (leave it out for every address)");
        } else {
            out.listen_addresses = {*challenge.string("listen_address")};
        }
        for (const auto& address : out.listen_addresses) check_listen_address(challenge, address);
    }
    if (auto port = challenge.port("http_port")) out.http_port = *port;
    if (auto port = challenge.port("tls_port")) out.tls_port = *port;
    // Options of another challenge type would be silently ignored: say so instead.
    if (auto webroot = challenge.absolute_path("webroot")) {
        if (out.type != "http-01")
            challenge.fail("webroot", "serves http-01 only, not " + out.type +
                                          " (leave it out, or set type to \"http-01\")");
        out.webroot = *webroot;
    }
    if (auto hook = challenge.absolute_path("dns_hook")) {
        if (out.type != "dns-01") challenge.fail("dns_hook", "is for dns-01 only, not " + out.type);
        out.dns_hook = hook->string();
    }
    if (out.type == "dns-01" && out.dns_hook.empty())
        challenge.fail_missing("dns_hook",
                               "dns-01 needs the program that adds and removes the TXT record, "
                               "run as HOOK add|remove NAME VALUE");
    if (auto wait = challenge.duration("dns_propagation_wait")) out.dns_propagation_wait = *wait;
    return out;
}

}  // namespace hwacme::config
