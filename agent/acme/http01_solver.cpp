#include "agent/acme/http01_solver.h"

#include "common/log.h"

namespace hwacme::acme {

void Http01Solver::cleanup(const Identifier&, const std::string& token,
                           const std::string&) noexcept {
    try {
        responder_.remove(token);
    } catch (const std::exception& e) {
        log::warning(std::string("could not withdraw an http-01 token: ") + e.what());
    }
}

}  // namespace hwacme::acme
