#include "agent/service/network_confinement.h"

#include <curl/curl.h>

#include <memory>
#include <string>

#include "agent/custody/custody_connection.h"
#include "agent/sandbox/sandbox.h"
#include "common/directories.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::service {
namespace {

/// The TCP port of `url` (its scheme's default when it names none).
std::uint16_t port_of(const std::string& url) {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
    char* port = nullptr;
    if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
        curl_url_get(parsed.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK)
        throw Error(Errc::InvalidArgument,
                    "the CA directory URL '" + log::printable(url) + "' names no port");
    std::unique_ptr<char, decltype(&curl_free)> text(port, curl_free);
    return static_cast<std::uint16_t>(std::stoul(text.get()));
}

}  // namespace

void add_challenge_needs(const config::ChallengeConfig& challenge, NetworkNeeds& needs) {
    if (!challenge.webroot.empty()) {
        needs.read_write.push_back(challenge.webroot);
        // The challenge folder may be a link, out of the webroot, that the webroot check
        // accepts (root's own, to a root-owned folder): Landlock must grant where it leads.
        std::error_code error;
        auto target = std::filesystem::canonical(
            std::filesystem::path(challenge.webroot) / ".well-known" / "acme-challenge", error);
        if (!error) needs.read_write.push_back(target);
    }
    if (challenge.type == "tls-alpn-01") needs.bind_ports.push_back(challenge.tls_port);
    if (challenge.type == "http-01" && challenge.webroot.empty())
        needs.bind_ports.push_back(challenge.http_port);
}

void confine_network_process(const RunOptions& options, const NetworkNeeds& needs) {
    static bool confined = false;
    if (!custody::network_client() || confined) return;
    confined = true;
    sandbox::SandboxPolicy policy;
    policy.require_all = options.require_sandbox;
    auto state = options.state_path();
    create_directories_with_mode(state, 0700);
    policy.read_write.push_back(state);
    for (const auto& folder : needs.read_write) {
        create_directories_with_mode(folder, 0755);
        policy.read_write.push_back(folder);
    }
    if (!options.ca_bundle.empty()) policy.read_only.push_back(options.ca_bundle);
    policy.read_only.insert(policy.read_only.end(), needs.read_only.begin(), needs.read_only.end());
    policy.connect_ports.push_back(port_of(options.server));
    policy.bind_ports = needs.bind_ports;
    auto report = sandbox::apply_sandbox(policy);
    if (report.missing_layers().empty())
        log::debug(report.describe());
    else
        log::warning(report.describe());
}

}  // namespace hwacme::service
