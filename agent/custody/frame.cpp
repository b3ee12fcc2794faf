#include "agent/custody/frame.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <span>
#include <string>

#include "common/error.h"

namespace hwacme::custody {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kLengthBytes = 4;

/// The deadline, and how long it allowed when the call began: timeouts say the latter.
struct Wait {
    Deadline deadline;
    std::string allowed;
};

Wait wait_until(Deadline deadline) {
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    ms = std::max<decltype(ms)>(ms, 0);
    if (ms % 1000 == 0) return {deadline, std::to_string(ms / 1000) + " s"};
    return {deadline, std::to_string(ms) + " ms"};
}

/// Whether `fd` became ready for `events` before the deadline, polling without sleeping for
/// `spin` first. Polls once even when the deadline has passed, so bytes already waiting are
/// never reported as a timeout.
bool ready(int fd, short events, Deadline deadline, std::chrono::microseconds spin = kAnswerSpin) {
    for (auto spin_end = std::min(Clock::now() + spin, deadline); Clock::now() < spin_end;) {
        pollfd entry{fd, events, 0};
        if (::poll(&entry, 1, 0) > 0) return true;
    }
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        auto timeout =
            static_cast<int>(std::clamp<decltype(left)>(left, 0, std::numeric_limits<int>::max()));
        pollfd entry{fd, events, 0};
        int n = ::poll(&entry, 1, timeout);
        if (n > 0) return true;
        if (n < 0 && errno != EINTR)
            throw Error(Errc::Io,
                        std::string("waiting on the peer failed: ") + std::strerror(errno));
        if (n == 0 && Clock::now() >= deadline) return false;
    }
}

bool peer_gone(int error) {
    return error == EPIPE || error == ECONNRESET;
}

bool try_again(int error) {
    return error == EINTR || error == EAGAIN || error == EWOULDBLOCK;
}

std::string progress(std::size_t done, std::size_t total) {
    return std::to_string(done) + " of " + std::to_string(total) + " bytes";
}

/// Fills `out`; `what` names it in errors ("a frame length").
void receive_all(int fd, std::span<std::uint8_t> out, const Wait& wait, const std::string& what) {
    std::size_t got = 0;
    while (got < out.size()) {
        if (!ready(fd, POLLIN, wait.deadline))
            throw Error(Errc::Io, "no answer within " + wait.allowed + " (" +
                                      progress(got, out.size()) + " of " + what + ")");
        ssize_t n = ::recv(fd, out.data() + got, out.size() - got, MSG_DONTWAIT);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        } else if (n == 0 || peer_gone(errno)) {
            throw Error(Errc::Io, "the peer closed the connection after " +
                                      progress(got, out.size()) + " of " + what);
        } else if (!try_again(errno)) {
            throw Error(Errc::Io, "reading " + what + " failed: " + std::strerror(errno));
        }
    }
}

// What a reader looks at before it takes anything: a frame's length and, for the frames most
// requests and replies are (a JWS is ~1 KiB), the whole frame.
constexpr std::size_t kPeekBytes = 4096;

/// Waits for the first bytes of a frame and copies up to `out.size()` of them without taking
/// them; 0 when the peer sent none before the deadline. Spinning on the peek itself, not on a
/// poll and then a read, saves a system call per message, which a VM makes costly.
std::size_t peek_start(int fd, std::span<std::uint8_t> out, const Wait& wait,
                       std::chrono::microseconds spin) {
    auto spin_end = std::min(Clock::now() + spin, wait.deadline);
    for (;;) {
        ssize_t n = ::recv(fd, out.data(), out.size(), MSG_PEEK | MSG_DONTWAIT);
        if (n > 0) return static_cast<std::size_t>(n);
        if (n == 0 || peer_gone(errno))
            throw Error(Errc::Io, "the peer closed the connection after " +
                                      progress(0, kLengthBytes) + " of a frame length");
        if (!try_again(errno))
            throw Error(Errc::Io, std::string("reading a frame failed: ") + std::strerror(errno));
        if (Clock::now() < spin_end) continue;
        if (!ready(fd, POLLIN, wait.deadline, std::chrono::microseconds(0))) return 0;
    }
}

void check_length(std::size_t length, const std::string& what) {
    if (length == 0) throw Error(Errc::Protocol, what + " of length 0");
    if (length > kMaxFrameBytes)
        throw Error(Errc::Protocol, what + " of " + std::to_string(length) +
                                        " bytes, over the bound of " +
                                        std::to_string(kMaxFrameBytes));
}

}  // namespace

void write_frame(int fd, ByteView body, Deadline deadline) {
    check_length(body.size(), "refusing to send a frame");
    Wait wait = wait_until(deadline);
    Bytes frame(kLengthBytes);
    for (std::size_t i = 0; i < kLengthBytes; ++i)
        frame[i] = static_cast<std::uint8_t>(body.size() >> (8 * (kLengthBytes - 1 - i)));
    frame.insert(frame.end(), body.begin(), body.end());

    // A send is tried first: the socket buffer nearly always has room, and a poll before it
    // would be a system call for nothing.
    std::size_t sent = 0;
    while (sent < frame.size()) {
        // MSG_NOSIGNAL: a peer that died is an error here, not SIGPIPE ending this process.
        ssize_t n =
            ::send(fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            sent += static_cast<std::size_t>(n);
        } else if (peer_gone(errno)) {
            throw Error(Errc::Io, "the peer closed the connection after " +
                                      progress(sent, frame.size()) + " of a frame were written");
        } else if (!try_again(errno)) {
            throw Error(Errc::Io, std::string("writing a frame failed: ") + std::strerror(errno));
        } else if (!ready(fd, POLLOUT, wait.deadline)) {
            throw Error(Errc::Io, "the peer took nothing within " + wait.allowed + " (" +
                                      progress(sent, frame.size()) + " of a frame written)");
        }
    }
}

Bytes read_frame(int fd, Deadline deadline, std::chrono::microseconds spin) {
    Wait wait = wait_until(deadline);
    std::array<std::uint8_t, kPeekBytes> start{};
    std::size_t seen = peek_start(fd, start, wait, spin);
    std::size_t length = 0;
    for (std::size_t i = 0; i < kLengthBytes && i < seen; ++i) length = (length << 8) | start[i];
    if (seen >= kLengthBytes) {
        // Checked before anything is taken: the peer cannot make us allocate or wait for more.
        check_length(length, "the peer sent a frame");
        if (seen >= kLengthBytes + length) {
            // The whole frame is there: one read takes exactly it, nothing of what follows.
            Bytes body(length);
            std::array<iovec, 2> parts{iovec{start.data(), kLengthBytes},
                                       iovec{body.data(), length}};
            msghdr message{};
            message.msg_iov = parts.data();
            message.msg_iovlen = parts.size();
            if (::recvmsg(fd, &message, MSG_DONTWAIT) ==
                static_cast<ssize_t>(kLengthBytes + length))
                return body;
            throw Error(Errc::Io, std::string("reading a frame failed: ") + std::strerror(errno));
        }
    }
    std::array<std::uint8_t, kLengthBytes> prefix{};
    receive_all(fd, prefix, wait, "a frame length");
    length = 0;
    for (std::uint8_t byte : prefix) length = (length << 8) | byte;
    check_length(length, "the peer sent a frame");
    Bytes body(length);
    receive_all(fd, body, wait, "a frame body");
    return body;
}

}  // namespace hwacme::custody
