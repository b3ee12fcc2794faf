#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace hwacme::acme {

/// Paces the polling of a pending ACME resource (RFC 8555 §7.5.1, §7.4). The CA's Retry-After
/// wins when it gives one; otherwise the wait starts in tens of milliseconds and grows, because
/// a CA like Pebble validates in milliseconds and sends no Retry-After — a fixed one-second sleep
/// would be most of an issuance's wall time.
class PollBackoff {
public:
    PollBackoff(std::string what, std::chrono::steady_clock::time_point deadline);

    /// Sleeps before the next poll: the CA's Retry-After, but at least a second, or the next
    /// step. Error{Protocol} "timed out waiting for <what>" once the deadline has passed or the
    /// CA asks to wait beyond it.
    void wait(std::optional<std::chrono::seconds> retry_after);

    /// The next wait without Retry-After; exposed for tests.
    std::chrono::milliseconds next_step() const { return step_; }

private:
    std::string what_;
    std::chrono::steady_clock::time_point deadline_;
    std::chrono::milliseconds step_{25};
};

}  // namespace hwacme::acme
