#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "agent/acme/order.h"

namespace hwacme::acme {

/// Makes challenges of one type answerable (RFC 8555 §8) and withdraws them afterwards.
/// Issuance presents every pending challenge first, calls ready() once, and only then tells the
/// CA to validate — a DNS record or a token must be in place before the CA looks.
class ChallengeSolver {
public:
    virtual ~ChallengeSolver() = default;

    /// "http-01", "dns-01" or "tls-alpn-01".
    virtual std::string_view type() const = 0;

    /// Puts the proof for `identifier` in place. Error when that cannot be done.
    virtual void present(const Identifier& identifier, const std::string& token,
                         const std::string& key_authorization) = 0;

    /// Withdraws what present() put in place; called whatever the outcome, so it must not throw.
    virtual void cleanup(const Identifier& identifier, const std::string& token,
                         const std::string& key_authorization) noexcept = 0;

    /// Waits until everything presented is visible to the CA (DNS propagation).
    virtual void ready() {}

    /// The time by which present() and ready() must be done: the issuance's own deadline.
    void set_deadline(std::chrono::steady_clock::time_point deadline) { deadline_ = deadline; }

protected:
    std::optional<std::chrono::steady_clock::time_point> deadline_;
};

}  // namespace hwacme::acme
