#include "agent/acme/tls_alpn01_solver.h"

#include "common/log.h"

namespace hwacme::acme {

void TlsAlpn01Solver::cleanup(const Identifier& identifier, const std::string&,
                              const std::string&) noexcept {
    try {
        responder_.remove(identifier.value);
    } catch (const std::exception& e) {
        log::warning(std::string("could not withdraw a tls-alpn-01 certificate: ") + e.what());
    }
}

}  // namespace hwacme::acme
