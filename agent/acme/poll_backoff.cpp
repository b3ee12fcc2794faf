#include "agent/acme/poll_backoff.h"

#include <algorithm>
#include <thread>

#include "common/error.h"

namespace hwacme::acme {
namespace {

constexpr std::chrono::milliseconds kMaxStep{2'000};

}  // namespace

PollBackoff::PollBackoff(std::string what, std::chrono::milliseconds deadline)
    : what_(std::move(what)), deadline_(std::chrono::steady_clock::now() + deadline) {}

void PollBackoff::wait(std::optional<std::chrono::seconds> retry_after) {
    using namespace std::chrono;
    auto now = steady_clock::now();
    milliseconds delay = retry_after ? duration_cast<milliseconds>(*retry_after) : step_;
    if (now + delay > deadline_) throw Error(Errc::Protocol, "timed out waiting for " + what_);
    std::this_thread::sleep_for(delay);
    if (!retry_after) step_ = std::min(kMaxStep, step_ * 2);
}

}  // namespace hwacme::acme
