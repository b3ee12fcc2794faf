#pragma once

#include <chrono>
#include <string>

#include "agent/acme/challenge_solver.h"

namespace hwacme::acme {

/// The TXT record value for a dns-01 challenge (RFC 8555 §8.4):
/// base64url(SHA-256(key authorization)).
std::string dns01_txt_value(const std::string& key_authorization);

/// "_acme-challenge.example.com" for example.com (and for *.example.com, whose authorization
/// names example.com), without a trailing dot.
std::string dns01_record_name(const Identifier& identifier);

/// dns-01 through an operator's hook program, run as `HOOK add|remove RECORD VALUE` without a
/// shell (no quoting surprises, nothing injected from the CA's strings). The hook is waited for
/// and a non-zero exit of `add` is an error; `remove` failures are logged, since they must not
/// hide the outcome of the issuance.
class Dns01HookSolver final : public ChallengeSolver {
public:
    Dns01HookSolver(std::string hook, std::chrono::seconds propagation_wait)
        : hook_(std::move(hook)), propagation_wait_(propagation_wait) {}

    std::string_view type() const override { return "dns-01"; }
    void present(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) override;
    void cleanup(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) noexcept override;
    void ready() override;

private:
    std::string hook_;
    std::chrono::seconds propagation_wait_;
};

}  // namespace hwacme::acme
