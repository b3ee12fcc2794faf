#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstddef>
#include <list>
#include <utility>

namespace hwacme::http {

// What a challenge server grants each peer. The port is open to the whole internet while the CA
// validates, so idle or trickling peers must not be able to hold it: each connection gets a
// deadline for its whole exchange, and a bounded number of connections are open at once.

/// A validator's whole exchange — one TLS handshake, or one short HTTP request and answer — takes
/// three to four round trips: about 1.2 s over the worst internet path (~300 ms). 5 s leaves
/// room for one lost packet (TCP's first retransmission waits 1 s), yet frees a slot taken by a
/// trickling peer within seconds whatever it sends.
inline constexpr auto kExchangeDeadline = std::chrono::seconds(5);

/// Twice the thousand idle peers a server must withstand, with room for the CA's validators. An
/// open connection costs a descriptor and at most ~20 KiB (OpenSSL's record buffer, Beast's 8 KiB
/// header limit): 2048 of them stay under 50 MiB.
inline constexpr std::size_t kMaxConnections = 2048;

/// Descriptors left to the rest of hwacme while a server is full: the CA connection, a token's
/// module, the state and certificate files, hook pipes — about 20 in practice.
inline constexpr std::size_t kReservedDescriptors = 128;

/// How many connections a server may hold when the process may have `soft_limit` descriptors.
std::size_t connection_capacity(rlim_t soft_limit);

/// Raises the RLIMIT_NOFILE soft limit, for as long as it lives, to what kMaxConnections needs,
/// or to the hard limit when that is lower. A service gets a soft limit of 1024 and a hard one of
/// 524288 from systemd, because programs that use select(2) break on descriptors above 1023;
/// hwacme waits with epoll (Asio) and poll (libcurl), so the higher limit is safe here. Restores
/// the previous soft limit on destruction (hooks run later inherit the usual limit).
class DescriptorLimit {
public:
    DescriptorLimit();
    ~DescriptorLimit();
    DescriptorLimit(const DescriptorLimit&) = delete;
    DescriptorLimit& operator=(const DescriptorLimit&) = delete;

    /// The soft limit in force while this lives.
    rlim_t soft_limit() const { return raised_; }

private:
    rlim_t previous_ = 0;
    rlim_t raised_ = 0;
};

/// The open connections of one server, oldest first. When it is full, admitting a connection
/// closes the oldest one: a peer that only holds connections loses them to newer ones, and a
/// validator, which connects last and is done within a round trip or two, is served. Refusing
/// new connections instead would lock the validator out behind the idle ones.
/// Not thread-safe: used from the server's I/O thread only.
class ConnectionBudget {
public:
    /// A connection the budget may close to make room.
    class Member {
    public:
        /// Closes the connection's descriptor now and releases its Seat.
        virtual void close() noexcept = 0;

    protected:
        ~Member() = default;
    };

    /// A member's place in the budget, left when the seat is destroyed or reset. Move-only.
    class Seat {
    public:
        Seat() = default;
        Seat(Seat&& other) noexcept { *this = std::move(other); }
        Seat& operator=(Seat&& other) noexcept {
            reset();
            budget_ = std::exchange(other.budget_, nullptr);
            place_ = other.place_;
            return *this;
        }
        ~Seat() { reset(); }
        void reset() noexcept {
            if (budget_) std::exchange(budget_, nullptr)->members_.erase(place_);
        }

    private:
        friend class ConnectionBudget;
        Seat(ConnectionBudget& budget, std::list<Member*>::iterator place)
            : budget_(&budget), place_(place) {}

        ConnectionBudget* budget_ = nullptr;
        std::list<Member*>::iterator place_;
    };

    explicit ConnectionBudget(std::size_t capacity) : capacity_(capacity) {}
    ConnectionBudget(const ConnectionBudget&) = delete;
    ConnectionBudget& operator=(const ConnectionBudget&) = delete;

    std::size_t capacity() const { return capacity_; }
    std::size_t size() const { return members_.size(); }
    /// How many connections were seated, and how many of them were closed to make room: what
    /// a server reports under -v when it stops.
    std::size_t admitted() const { return admitted_; }
    std::size_t evicted() const { return evicted_; }

    /// Seats `member`, first closing the oldest member when the budget is full. The budget must
    /// outlive the seat.
    Seat admit(Member& member);

private:
    std::size_t capacity_;
    std::list<Member*> members_;
    std::size_t admitted_ = 0;
    std::size_t evicted_ = 0;
};

}  // namespace hwacme::http
