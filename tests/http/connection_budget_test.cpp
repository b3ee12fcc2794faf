#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <string>
#include <vector>

#include "agent/http/connection_budget.h"

using hwacme::http::connection_capacity;
using hwacme::http::ConnectionBudget;
using hwacme::http::DescriptorLimit;
using hwacme::http::kMaxConnections;
using hwacme::http::kReservedDescriptors;

namespace {

/// A member that records being closed and gives up its seat, as a real connection does.
struct Recorder final : ConnectionBudget::Member {
    explicit Recorder(std::vector<int>& closed, int id) : closed_(closed), id_(id) {}
    void close() noexcept override {
        closed_.push_back(id_);
        seat.reset();
    }
    ConnectionBudget::Seat seat;

private:
    std::vector<int>& closed_;
    int id_;
};

rlim_t soft_limit() {
    rlimit limit{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &limit) == 0);
    return limit.rlim_cur;
}

}  // namespace

TEST_CASE("a full budget closes its oldest connection to seat a new one", "[unit]") {
    ConnectionBudget budget(3);
    std::vector<int> closed;
    std::vector<std::unique_ptr<Recorder>> members;
    for (int id = 0; id < 5; ++id) {
        members.push_back(std::make_unique<Recorder>(closed, id));
        members.back()->seat = budget.admit(*members.back());
        CHECK(budget.size() == std::min<std::size_t>(id + 1, 3));
    }
    CHECK(closed == std::vector<int>{0, 1});
    // A connection that ends by itself frees its seat: the next one evicts nobody.
    members[3]->seat.reset();
    auto late = std::make_unique<Recorder>(closed, 5);
    late->seat = budget.admit(*late);
    CHECK(closed == std::vector<int>{0, 1});
    CHECK(budget.size() == 3);
}

TEST_CASE("connection capacity leaves descriptors to the rest of hwacme", "[unit]") {
    CHECK(connection_capacity(1024) == 1024 - kReservedDescriptors);
    CHECK(connection_capacity(1'048'576) == kMaxConnections);
    CHECK(connection_capacity(RLIM_INFINITY) == kMaxConnections);
    CHECK(connection_capacity(100) == 50);
    CHECK(connection_capacity(1) == 1);
}

TEST_CASE("the descriptor limit is raised toward the hard limit and restored", "[unit]") {
    rlimit original{};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &original) == 0);
    rlim_t wanted = kMaxConnections + kReservedDescriptors;
    INFO("hard limit " << original.rlim_max);
    REQUIRE(original.rlim_max >= wanted);
    rlimit low = original;
    low.rlim_cur = 1024;
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &low) == 0);
    {
        DescriptorLimit raised;
        CHECK(raised.soft_limit() == wanted);
        CHECK(soft_limit() == wanted);
    }
    CHECK(soft_limit() == 1024);
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &original) == 0);
}
