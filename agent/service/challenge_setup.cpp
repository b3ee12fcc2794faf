#include "agent/service/challenge_setup.h"

#include "agent/acme/dns01_solver.h"
#include "agent/acme/http01_solver.h"
#include "agent/acme/order.h"
#include "agent/acme/tls_alpn01_solver.h"
#include "agent/custody/custody_connection.h"
#include "agent/custody/remote_dns_hook.h"
#include "agent/service/certificate_files.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::service {

ChallengeSetup set_up_challenge(const config::ChallengeConfig& challenge) {
    ChallengeSetup setup;
    if (challenge.type == "dns-01") {
        if (challenge.dns_hook.empty())
            throw Error(Errc::InvalidArgument, "challenge dns-01 needs a DNS hook program");
        // A network process may start no program: key custody runs the hook for it.
        std::unique_ptr<acme::DnsHookRunner> hook;
        if (const auto* custody = custody::network_client())
            hook = std::make_unique<custody::RemoteDnsHook>(*custody, challenge.dns_hook);
        else
            hook = std::make_unique<acme::LocalDnsHook>(challenge.dns_hook);
        setup.solver = std::make_unique<acme::Dns01HookSolver>(std::move(hook),
                                                               challenge.dns_propagation_wait);
    } else if (challenge.type == "tls-alpn-01") {
        setup.tls_alpn01 =
            http::make_tls_alpn01_responder(challenge.listen_addresses, challenge.tls_port);
        setup.solver = std::make_unique<acme::TlsAlpn01Solver>(*setup.tls_alpn01);
    } else {
        setup.http01 =
            challenge.webroot.empty()
                ? http::make_standalone_http01(challenge.listen_addresses, challenge.http_port)
                : http::make_webroot_http01(challenge.webroot);
        setup.solver = std::make_unique<acme::Http01Solver>(*setup.http01);
    }
    return setup;
}

std::vector<std::string> choose_chain(acme::AccountSession& session,
                                      const acme::IssuedCertificate& issued,
                                      const std::string& preferred_issuer) {
    auto chain = split_pem_chain(issued.fullchain_pem);
    auto top_issuer = [](const std::vector<std::string>& pems) {
        return issuer_common_name(parse_pem_certificate(pems.back()).get());
    };
    if (preferred_issuer.empty() || top_issuer(chain) == preferred_issuer) return chain;
    for (const auto& url : issued.alternate_chain_urls) {
        auto alternate = split_pem_chain(acme::download_certificate(session, url).pem);
        if (top_issuer(alternate) == preferred_issuer) {
            log::info("using the alternate chain " + url + " up to " + preferred_issuer);
            return alternate;
        }
    }
    log::info("no chain reaches " + preferred_issuer + "; keeping the default chain up to " +
              top_issuer(chain));
    return chain;
}

}  // namespace hwacme::service
