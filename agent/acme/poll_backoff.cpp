#include "agent/acme/poll_backoff.h"

#include <algorithm>
#include <thread>

#include "common/error.h"

namespace hwacme::acme {
namespace {

constexpr std::chrono::milliseconds kMaxStep{2'000};
// A CA that keeps answering "Retry-After: 0" is asked again after a second, not in a loop.
constexpr std::chrono::milliseconds kMinRetryAfterWait{1'000};

}  // namespace

PollBackoff::PollBackoff(std::string what, std::chrono::steady_clock::time_point deadline)
    : what_(std::move(what)), deadline_(deadline) {}

void PollBackoff::wait(std::optional<std::chrono::seconds> retry_after) {
    using namespace std::chrono;
    milliseconds delay =
        retry_after ? std::max(duration_cast<milliseconds>(*retry_after), kMinRetryAfterWait)
                    : step_;
    // Compared with the time left, both in milliseconds: a time point plus a far Retry-After,
    // or a Retry-After in nanoseconds, would overflow.
    if (delay > duration_cast<milliseconds>(deadline_ - steady_clock::now()))
        throw Error(Errc::Protocol, "timed out waiting for " + what_);
    std::this_thread::sleep_for(delay);
    if (!retry_after) step_ = std::min(kMaxStep, step_ * 2);
}

}  // namespace hwacme::acme
