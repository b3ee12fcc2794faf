#pragma once

#include "agent/acme/challenge_solver.h"
#include "agent/http/tls_alpn01_responder.h"

namespace hwacme::acme {

/// tls-alpn-01 (RFC 8737) through the built-in TLS responder.
class TlsAlpn01Solver final : public ChallengeSolver {
public:
    explicit TlsAlpn01Solver(http::TlsAlpn01Responder& responder) : responder_(responder) {}

    std::string_view type() const override { return "tls-alpn-01"; }
    void present(const Identifier& identifier, const std::string&,
                 const std::string& key_authorization) override {
        responder_.provision(identifier.value, key_authorization);
    }
    void cleanup(const Identifier& identifier, const std::string&,
                 const std::string&) noexcept override;

private:
    http::TlsAlpn01Responder& responder_;
};

}  // namespace hwacme::acme
