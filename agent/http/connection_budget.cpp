#include "agent/http/connection_budget.h"

#include <algorithm>

#include "common/log.h"

namespace hwacme::http {

std::size_t connection_capacity(rlim_t soft_limit) {
    // A tiny limit still leaves half of it to the rest of hwacme.
    rlim_t reserved = std::min<rlim_t>(kReservedDescriptors, soft_limit / 2);
    rlim_t available = soft_limit == RLIM_INFINITY ? kMaxConnections : soft_limit - reserved;
    return std::max<std::size_t>(1, std::min<rlim_t>(kMaxConnections, available));
}

DescriptorLimit::DescriptorLimit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    previous_ = raised_ = limit.rlim_cur;
    rlim_t wanted = std::min<rlim_t>(kMaxConnections + kReservedDescriptors, limit.rlim_max);
    if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return;
    limit.rlim_cur = wanted;
    if (::setrlimit(RLIMIT_NOFILE, &limit) == 0) {
        raised_ = wanted;
        log::debug("raised the descriptor limit from " + std::to_string(previous_) + " to " +
                   std::to_string(raised_) + " for the challenge server's connections");
    }
}

DescriptorLimit::~DescriptorLimit() {
    rlimit limit{};
    if (raised_ == previous_ || ::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
    limit.rlim_cur = previous_;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

ConnectionBudget::Seat ConnectionBudget::admit(Member& member) {
    // Member::close() releases the oldest seat, so one call makes room for one.
    if (!members_.empty() && members_.size() >= capacity_) {
        members_.front()->close();
        ++evicted_;
    }
    members_.push_back(&member);
    ++admitted_;
    return Seat(*this, std::prev(members_.end()));
}

}  // namespace hwacme::http
