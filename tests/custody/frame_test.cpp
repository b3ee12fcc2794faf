// Frames over a real socketpair: partial transfers, peers that close, lie about lengths or say
// nothing. Deadline tests assert the category only: nothing here times how long a call took.
#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <thread>

#include "agent/custody/frame.h"
#include "common/error.h"
#include "common/fd.h"

using namespace hwacme;
using namespace hwacme::custody;
using Catch::Contains;
using namespace std::chrono_literals;

namespace {

struct Connection {
    Fd ours;
    Fd peer;
};

Connection connected() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    return {Fd(fds[0]), Fd(fds[1])};
}

/// Generous: only a broken implementation waits this long.
Deadline soon() {
    return std::chrono::steady_clock::now() + 30s;
}

Deadline almost_now() {
    return std::chrono::steady_clock::now() + 20ms;
}

/// A length prefix claiming `length`, then `body`: shorter or longer than claimed, as a test wants.
Bytes raw_frame(std::uint32_t length, ByteView body) {
    Bytes frame;
    frame.reserve(4 + body.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        frame.push_back(static_cast<std::uint8_t>(length >> shift));
    frame.insert(frame.end(), body.begin(), body.end());
    return frame;
}

void send_raw(int fd, ByteView bytes) {
    REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(bytes.size()));
}

/// What read_frame threw: its category and message.
Error read_error(int fd, Deadline deadline) {
    try {
        read_frame(fd, deadline, kAnswerSpin);
    } catch (const Error& e) {
        return e;
    }
    FAIL("read_frame returned a frame");
    throw std::logic_error("unreachable");
}

Error write_error(int fd, ByteView body, Deadline deadline) {
    try {
        write_frame(fd, body, deadline);
    } catch (const Error& e) {
        return e;
    }
    FAIL("write_frame succeeded");
    throw std::logic_error("unreachable");
}

Bytes pattern(std::size_t size) {
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    return bytes;
}

}  // namespace

TEST_CASE("a frame written on one end is read whole on the other", "[unit]") {
    Connection c = connected();
    const Bytes body{'h', 'e', 'l', 'l', 'o'};
    write_frame(c.ours.get(), body, soon());
    CHECK(read_frame(c.peer.get(), soon(), kAnswerSpin) == body);
}

TEST_CASE("a frame of kMaxFrameBytes crosses a socket buffer smaller than itself", "[unit]") {
    Connection c = connected();
    int small = 4096;
    REQUIRE(::setsockopt(c.ours.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    Bytes body = pattern(kMaxFrameBytes);
    std::jthread writer([&] { write_frame(c.ours.get(), body, soon()); });
    CHECK(read_frame(c.peer.get(), soon(), kAnswerSpin) == body);
}

TEST_CASE("a frame sent one byte at a time is reassembled", "[unit]") {
    Connection c = connected();
    Bytes body = pattern(300);
    Bytes frame = raw_frame(300, body);
    std::jthread writer([&] {
        for (std::uint8_t byte : frame) {
            ::send(c.peer.get(), &byte, 1, MSG_NOSIGNAL);
            std::this_thread::yield();
        }
    });
    CHECK(read_frame(c.ours.get(), soon(), kAnswerSpin) == body);
}

TEST_CASE("a peer that closes mid-frame is an I/O error saying how far it got", "[unit]") {
    Connection c = connected();
    send_raw(c.peer.get(), raw_frame(100, Bytes(10, 'x')));
    c.peer = Fd(-1);
    Error e = read_error(c.ours.get(), soon());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("the peer closed the connection after 10 of 100 bytes"));
}

TEST_CASE("a peer that closes inside the length prefix is an I/O error", "[unit]") {
    Connection c = connected();
    send_raw(c.peer.get(), Bytes{0, 0});
    c.peer = Fd(-1);
    Error e = read_error(c.ours.get(), soon());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("after 2 of 4 bytes of a frame length"));
}

TEST_CASE("lengths of 0 and over kMaxFrameBytes are refused before the body is read", "[unit]") {
    for (std::uint32_t length : {std::uint32_t{0}, std::uint32_t{kMaxFrameBytes + 1}, UINT32_MAX}) {
        INFO("length " << length);
        Connection c = connected();
        const Bytes after{'b', 'o', 'd', 'y'};
        send_raw(c.peer.get(), raw_frame(length, after));
        Error e = read_error(c.ours.get(), soon());
        CHECK(e.code() == Errc::Protocol);
        CHECK_THAT(e.what(), Contains("the peer sent a frame of"));
        // Nothing was taken: the length is looked at before a byte of the frame is read.
        Bytes left(4 + after.size() + 1);
        CHECK(::recv(c.ours.get(), left.data(), left.size(), MSG_DONTWAIT) ==
              static_cast<ssize_t>(4 + after.size()));
    }
}

TEST_CASE("a silent peer makes read_frame fail with an I/O error at the deadline", "[unit]") {
    Connection c = connected();
    Error e = read_error(c.ours.get(), almost_now());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("no answer within"));
    send_raw(c.peer.get(), raw_frame(8, {}));
    e = read_error(c.ours.get(), almost_now());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("(0 of 8 bytes of a frame body)"));
}

TEST_CASE("a frame already waiting is read even when the deadline has passed", "[unit]") {
    Connection c = connected();
    write_frame(c.peer.get(), Bytes{1, 2, 3}, soon());
    CHECK(read_frame(c.ours.get(), std::chrono::steady_clock::now() - 1s, kAnswerSpin) ==
          Bytes{1, 2, 3});
}

TEST_CASE("a peer that stops reading makes write_frame fail at the deadline", "[unit]") {
    Connection c = connected();
    int small = 4096;
    REQUIRE(::setsockopt(c.ours.get(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small) == 0);
    Error e = write_error(c.ours.get(), pattern(kMaxFrameBytes), almost_now());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("the peer took nothing within"));
}

TEST_CASE("writing to a closed peer is an I/O error, not SIGPIPE", "[unit]") {
    Connection c = connected();
    c.peer = Fd(-1);
    Error e = write_error(c.ours.get(), Bytes{1}, soon());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("the peer closed the connection after 0 of 5 bytes"));
}

TEST_CASE("write_frame refuses an empty body and one over kMaxFrameBytes", "[unit]") {
    Connection c = connected();
    CHECK(write_error(c.ours.get(), Bytes{}, soon()).code() == Errc::Protocol);
    CHECK(write_error(c.ours.get(), Bytes(kMaxFrameBytes + 1), soon()).code() == Errc::Protocol);
    std::uint8_t nothing;
    CHECK(::recv(c.peer.get(), &nothing, 1, MSG_DONTWAIT) == -1);
}
