#include "agent/custody/link.h"

#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <new>
#include <string>

#include "common/error.h"

namespace hwacme::custody {

struct Link::SharedPages {
    struct Layout {
        Mailbox to_custody;
        Mailbox to_network;
    };

    // Shared, not private: a fork leaves both processes on the same pages, which no one can
    // shrink (there is no file behind them).
    SharedPages()
        : layout(static_cast<Layout*>(::mmap(nullptr, sizeof(Layout), PROT_READ | PROT_WRITE,
                                             MAP_SHARED | MAP_ANONYMOUS, -1, 0))) {
        if (layout == MAP_FAILED)
            throw Error(Errc::Io, std::string("cannot map the pages custody and the network "
                                              "process share: ") +
                                      std::strerror(errno));
        // Default-initialized: the counters start at 0, and the bodies are left as mmap gave
        // them (zero) rather than written, which would fault in all 512 KiB.
        new (layout) Layout;
    }
    ~SharedPages() { ::munmap(layout, sizeof(Layout)); }
    SharedPages(const SharedPages&) = delete;
    SharedPages& operator=(const SharedPages&) = delete;

    Layout* layout;
};

namespace {

std::string allowed(Deadline deadline, Clock::time_point from) {
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - from).count();
    ms = std::max<decltype(ms)>(ms, 0);
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
    return std::to_string(ms) + " ms";
}

void check_length(std::size_t length, const std::string& what) {
    if (length == 0) throw Error(Errc::Protocol, what + " of length 0");
    if (length > kMaxFrameBytes)
        throw Error(Errc::Protocol, what + " of " + std::to_string(length) +
                                        " bytes, over the bound of " +
                                        std::to_string(kMaxFrameBytes));
}

bool peer_gone(int error) {
    return error == EPIPE || error == ECONNRESET;
}

[[noreturn]] void closed() {
    throw Error(Errc::Io, "the peer closed the connection");
}

void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

}  // namespace

Link::Pair Link::make_pair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
        throw Error(Errc::Io, std::string("cannot make the socketpair to the network process: ") +
                                  std::strerror(errno));
    Fd custody_socket(fds[0]), network_socket(fds[1]);
    auto pages = std::make_shared<SharedPages>();
    auto& layout = *pages->layout;
    return Pair{Link(pages, layout.to_custody, layout.to_network, std::move(custody_socket)),
                Link(pages, layout.to_network, layout.to_custody, std::move(network_socket))};
}

void Link::send(ByteView body) {
    check_length(body.size(), "refusing to send a frame");
    post(static_cast<std::uint32_t>(body.size()), body, std::nullopt);
}

void Link::post_unchecked(std::uint32_t length, ByteView body,
                          std::optional<std::int64_t> posted_at) {
    post(length, body.subspan(0, std::min(body.size(), kMaxFrameBytes)), posted_at);
}

void Link::post(std::uint32_t length, ByteView body, std::optional<std::int64_t> posted_at) {
    std::memcpy(outbox_->body, body.data(), body.size());
    outbox_->length.store(length, std::memory_order_relaxed);
    last_sent_ = Clock::now();
    outbox_->posted_at.store(posted_at.value_or(last_sent_.time_since_epoch().count()),
                             std::memory_order_relaxed);
    // Sequentially consistent with the reader's reader_asleep store and posted load: either it
    // sees this frame before it sleeps, or this sees it asleep and wakes it.
    outbox_->posted.fetch_add(1);
    if (outbox_->reader_asleep.load() == 0) return;
    const std::uint8_t wake = 1;
    if (::send(socket_.get(), &wake, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1) return;
    // A full socket buffer holds wake-ups enough.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    if (peer_gone(errno)) closed();
    throw Error(Errc::Io, std::string("waking the peer failed: ") + std::strerror(errno));
}

bool Link::arrived() const {
    return inbox_->posted.load() != seen_;
}

Bytes Link::take(std::chrono::microseconds spin) {
    seen_ = inbox_->posted.load(std::memory_order_acquire);
    // The peer may post any time: a wrong one costs this end one spin, or one wake-up.
    Clock::time_point posted_at{Clock::duration(inbox_->posted_at.load(std::memory_order_relaxed))};
    // Compared, not subtracted: a time the peer made up could overflow a difference.
    peer_was_prompt_ = posted_at <= last_sent_ + spin;
    // Read once: the peer may change it while the body is copied.
    std::size_t length = inbox_->length.load(std::memory_order_relaxed);
    check_length(length, "the peer sent a frame");
    Bytes body(length);
    std::memcpy(body.data(), inbox_->body, length);
    return body;
}

Bytes Link::receive(Deadline deadline, std::chrono::microseconds spin) {
    const auto start = Clock::now();
    for (auto spin_end = std::min(start + spin, deadline); peer_was_prompt_;) {
        // The clock is read every 64 turns: reading it costs more than looking at the mailbox.
        for (int turn = 0; turn < 64; ++turn) {
            if (arrived()) return take(spin);
            relax();
        }
        if (Clock::now() >= spin_end) break;
    }
    for (;;) {
        if (arrived()) return take(spin);
        if (!sleep_until(deadline)) {
            if (arrived()) return take(spin);
            throw Error(Errc::Io, "no answer within " + allowed(deadline, start));
        }
    }
}

bool Link::sleep_until(Deadline deadline) {
    inbox_->reader_asleep.store(1);
    struct Awake {
        Mailbox* inbox;
        ~Awake() { inbox->reader_asleep.store(0); }
    } awake{inbox_};
    if (arrived()) return true;
    for (;;) {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
        auto timeout =
            static_cast<int>(std::clamp<decltype(left)>(left, 0, std::numeric_limits<int>::max()));
        pollfd entry{socket_.get(), POLLIN, 0};
        int n = ::poll(&entry, 1, timeout);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            throw Error(Errc::Io,
                        std::string("waiting on the peer failed: ") + std::strerror(errno));
        if (n == 0) return Clock::now() < deadline;
        // Wake-ups carry nothing: the frame, if any, is in the mailbox, looked at before the
        // connection's end is.
        if (arrived()) return true;
        std::uint8_t wakes[64];
        ssize_t got = ::recv(socket_.get(), wakes, sizeof wakes, MSG_DONTWAIT);
        if (got == 0 || (got < 0 && peer_gone(errno))) closed();
        if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            throw Error(Errc::Io,
                        std::string("waiting on the peer failed: ") + std::strerror(errno));
        return true;
    }
}

}  // namespace hwacme::custody
