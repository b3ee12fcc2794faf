#pragma once

#include "agent/acme/challenge_solver.h"
#include "agent/http/http01_responder.h"

namespace hwacme::acme {

/// http-01 (RFC 8555 §8.3) through a responder: the built-in server or a webroot.
class Http01Solver final : public ChallengeSolver {
public:
    explicit Http01Solver(http::Http01Responder& responder) : responder_(responder) {}

    std::string_view type() const override { return "http-01"; }
    void present(const Identifier&, const std::string& token,
                 const std::string& key_authorization) override {
        responder_.provision(token, key_authorization);
    }
    void cleanup(const Identifier&, const std::string& token, const std::string&) noexcept override;

private:
    http::Http01Responder& responder_;
};

}  // namespace hwacme::acme
