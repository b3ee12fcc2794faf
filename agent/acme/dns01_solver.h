#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "agent/acme/challenge_solver.h"
#include "common/child_process.h"

namespace hwacme::acme {

/// The TXT record value for a dns-01 challenge (RFC 8555 §8.4):
/// base64url(SHA-256(key authorization)).
std::string dns01_txt_value(const std::string& key_authorization);

/// "_acme-challenge.example.com" for example.com (and for *.example.com, whose authorization
/// names example.com), without a trailing dot.
std::string dns01_record_name(const Identifier& identifier);

/// Runs the operator's dns-01 hook as `HOOK action record value` (action: add or remove): in
/// this process (LocalDnsHook), or in the key custody process, for a network process that may
/// start no program.
class DnsHookRunner {
public:
    virtual ~DnsHookRunner() = default;
    /// How the hook ended; Error{NotFound} when it could not be started.
    virtual ChildOutcome run(const std::string& action, const std::string& record,
                             const std::string& value,
                             std::optional<std::chrono::steady_clock::time_point> deadline) = 0;
    /// The hook program, for messages.
    virtual const std::string& program() const = 0;
};

/// The hook started by this process, without the token PIN in its environment.
class LocalDnsHook final : public DnsHookRunner {
public:
    explicit LocalDnsHook(std::string program) : program_(std::move(program)) {}
    ChildOutcome run(const std::string& action, const std::string& record, const std::string& value,
                     std::optional<std::chrono::steady_clock::time_point> deadline) override;
    const std::string& program() const override { return program_; }

private:
    std::string program_;
};

/// dns-01 through an operator's hook program, run as `HOOK add|remove RECORD VALUE` without a
/// shell (no quoting surprises, nothing injected from the CA's strings). The hook is waited for
/// and a non-zero exit of `add` is an error; `remove` failures are logged, since they must not
/// hide the outcome of the issuance.
class Dns01HookSolver final : public ChallengeSolver {
public:
    Dns01HookSolver(std::unique_ptr<DnsHookRunner> hook, std::chrono::seconds propagation_wait)
        : hook_(std::move(hook)), propagation_wait_(propagation_wait) {}

    std::string_view type() const override { return "dns-01"; }
    void present(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) override;
    void cleanup(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) noexcept override;
    void ready() override;

private:
    std::unique_ptr<DnsHookRunner> hook_;
    std::chrono::seconds propagation_wait_;
};

}  // namespace hwacme::acme
