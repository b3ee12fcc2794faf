#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "common/bytes.h"
#include "common/fd.h"

namespace hwacme::custody {

/// The largest frame body: a JWS over the largest payload, base64url-encoded, with room to spare.
inline constexpr std::size_t kMaxFrameBytes = 256 * 1024;

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

/// The longest the network process spins for custody's answer: custody answers within a
/// device's signing time (tens of microseconds to a few milliseconds) when it was awake.
inline constexpr std::chrono::microseconds kAnswerSpin{150};
/// The longest custody spins for the next request: it comes at once when the network process
/// signs several requests in a row, and after a round trip to the CA (milliseconds) otherwise.
inline constexpr std::chrono::microseconds kNextRequestSpin{30};

/// One direction of a link, in pages the two processes share: the frame its writer posted last.
struct Mailbox {
    /// Frames posted so far; the reader takes a frame when this differs from what it has seen.
    alignas(64) std::atomic<std::uint32_t> posted{0};
    std::atomic<std::uint32_t> length{0};
    /// When the writer posted its last frame, on the steady clock both processes share.
    std::atomic<std::int64_t> posted_at{0};
    /// Set by the reader before it sleeps on the socket, so the writer knows to wake it.
    alignas(64) std::atomic<std::uint32_t> reader_asleep{0};
    alignas(64) std::uint8_t body[kMaxFrameBytes];
};

/// One end of the connection between custody and the network process. Frames (1..kMaxFrameBytes
/// bytes) pass through a mailbox per direction in memory the two share, so a round trip costs no
/// system call while the reader is spinning; the socketpair beside it wakes a reader that went to
/// sleep and tells each end when the other is gone. A system call costs over a microsecond on a
/// VM and waking a process blocked in poll ~37 µs, as much as a SoftHSM signature.
///
/// The peer may write anything into its mailbox at any time: a reader checks the length before it
/// copies, and copies the body once, out of the shared pages, before anything reads it.
/// The protocol takes turns (one request, one reply), so a writer never overwrites a frame its
/// peer has yet to take. Not safe to use from two threads at once.
///
/// Errors: Errc::Io when the peer is gone, waiting failed or the deadline passed;
/// Errc::Protocol for a frame length of 0 or over the bound, found before any body is copied.
class Link {
public:
    struct Pair;
    /// Two connected ends, each to be kept by one side (one process after a fork).
    static Pair make_pair();

    /// Posts `body` for the peer and wakes it if it sleeps. Never waits.
    void send(ByteView body);
    /// The peer's next frame, spinning for up to `spin` before sleeping until `deadline`. A
    /// frame already posted is returned even after the deadline.
    ///
    /// Spinning pays only when the peer answers within the spin; otherwise it burns as much CPU
    /// as the peer spends answering. So it spins only when the peer's last frame came within
    /// `spin` of this end's send before it (by the time the peer posted it, which a sleeping
    /// reader learns too). Signing in a row spins; issuance, whose requests come after the CA's
    /// replies and whose answers come after custody wakes, sleeps at once.
    Bytes receive(Deadline deadline, std::chrono::microseconds spin);
    /// Whether the next receive spins, by the rule above. For tests.
    bool spins_next() const { return peer_was_prompt_; }
    /// Closes this end's socket: the peer's waits end with "the peer closed the connection".
    void close() { socket_ = Fd(-1); }
    /// The socket: a fork keeps it open in the process that keeps this end.
    int socket() const { return socket_.get(); }

    /// What a hostile peer can do: post a length that need not be the body's, and a time that
    /// need not be now (nanoseconds on the steady clock). For tests.
    void post_unchecked(std::uint32_t length, ByteView body,
                        std::optional<std::int64_t> posted_at = std::nullopt);

private:
    struct SharedPages;
    Link(std::shared_ptr<SharedPages> pages, Mailbox& inbox, Mailbox& outbox, Fd socket)
        : pages_(std::move(pages)), inbox_(&inbox), outbox_(&outbox), socket_(std::move(socket)) {}

    bool arrived() const;
    /// The frame posted, and whether it came within `spin` of this end's last send.
    Bytes take(std::chrono::microseconds spin);
    /// Sleeps on the socket until it is readable or the deadline; false at the deadline.
    bool sleep_until(Deadline deadline);
    void post(std::uint32_t length, ByteView body, std::optional<std::int64_t> posted_at);

    std::shared_ptr<SharedPages> pages_;
    Mailbox* inbox_;
    Mailbox* outbox_;
    Fd socket_;
    std::uint32_t seen_ = 0;
    Clock::time_point last_sent_{};
    bool peer_was_prompt_ = true;
};

struct Link::Pair {
    Link custody;
    Link network;
};

}  // namespace hwacme::custody
