// Links between two threads: frames both ways, readers asleep and awake, peers that close,
// post lengths that lie or say nothing. Deadline tests assert the category only: nothing here
// times how long a call took.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdint>
#include <limits>
#include <thread>

#include "agent/custody/link.h"
#include "common/error.h"

using namespace hwacme;
using namespace hwacme::custody;
using Catch::Contains;
using namespace std::chrono_literals;

namespace {

/// Generous: only a broken implementation waits this long.
Deadline soon() {
    return std::chrono::steady_clock::now() + 30s;
}

Deadline almost_now() {
    return std::chrono::steady_clock::now() + 20ms;
}

/// What receive threw: its category and message.
Error receive_error(Link& link, Deadline deadline) {
    try {
        link.receive(deadline, kAnswerSpin);
    } catch (const Error& e) {
        return e;
    }
    FAIL("receive returned a frame");
    throw std::logic_error("unreachable");
}

Error send_error(Link& link, ByteView body) {
    try {
        link.send(body);
    } catch (const Error& e) {
        return e;
    }
    FAIL("send succeeded");
    throw std::logic_error("unreachable");
}

Bytes pattern(std::size_t size) {
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>(i * 7 + i / 251);
    return bytes;
}

/// A turn whose answer is posted 5 ms after the request, past any spin.
void slow_turn(Link::Pair& link) {
    link.network.send(Bytes{1});
    std::this_thread::sleep_for(5ms);
    link.custody.send(Bytes{2});
    REQUIRE(link.network.receive(soon(), kAnswerSpin) == Bytes{2});
}

}  // namespace

TEST_CASE("frames sent on one end are received whole on the other, both ways", "[unit]") {
    auto link = Link::make_pair();
    const Bytes hello{'h', 'e', 'l', 'l', 'o'};
    link.network.send(hello);
    CHECK(link.custody.receive(soon(), kNextRequestSpin) == hello);
    Bytes largest = pattern(kMaxFrameBytes);
    link.custody.send(largest);
    CHECK(link.network.receive(soon(), kAnswerSpin) == largest);
    link.network.send(Bytes{1});
    CHECK(link.custody.receive(soon(), kNextRequestSpin) == Bytes{1});
}

TEST_CASE("a reader asleep on the socket is woken by a frame", "[unit]") {
    auto link = Link::make_pair();
    const Bytes body = pattern(300);
    std::jthread writer([&] {
        // Long past any spin: the reader is asleep in poll when the frame comes.
        std::this_thread::sleep_for(100ms);
        link.network.send(body);
    });
    CHECK(link.custody.receive(soon(), std::chrono::microseconds(0)) == body);
}

TEST_CASE("many frames in turn keep their order and content", "[unit]") {
    auto link = Link::make_pair();
    constexpr int kTurns = 2000;
    std::jthread custody([&] {
        for (int turn = 0; turn < kTurns; ++turn) {
            Bytes request = link.custody.receive(soon(), kNextRequestSpin);
            request.push_back(0xee);
            link.custody.send(request);
        }
    });
    for (int turn = 0; turn < kTurns; ++turn) {
        // Every 100th turn the writer pauses, so some frames find their reader asleep.
        if (turn % 100 == 0) std::this_thread::sleep_for(2ms);
        Bytes request = pattern(1 + static_cast<std::size_t>(turn) % 2000);
        link.network.send(request);
        request.push_back(0xee);
        REQUIRE(link.network.receive(soon(), kAnswerSpin) == request);
    }
}

TEST_CASE("a peer that closes ends the wait with an I/O error", "[unit]") {
    auto link = Link::make_pair();
    link.network.close();
    Error e = receive_error(link.custody, soon());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("the peer closed the connection"));
}

TEST_CASE("a frame posted just before the peer closed is still received", "[unit]") {
    auto link = Link::make_pair();
    link.network.send(Bytes{'b', 'y', 'e'});
    link.network.close();
    CHECK(link.custody.receive(soon(), kNextRequestSpin) == Bytes{'b', 'y', 'e'});
    CHECK(receive_error(link.custody, soon()).code() == Errc::Io);
}

TEST_CASE("posted lengths of 0 and over kMaxFrameBytes are refused", "[unit]") {
    for (std::uint32_t length : {std::uint32_t{0}, std::uint32_t{kMaxFrameBytes + 1}, UINT32_MAX}) {
        INFO("length " << length);
        auto link = Link::make_pair();
        link.network.post_unchecked(length, Bytes{'b', 'o', 'd', 'y'});
        Error e = receive_error(link.custody, soon());
        CHECK(e.code() == Errc::Protocol);
        CHECK_THAT(e.what(), Contains("the peer sent a frame of"));
    }
}

TEST_CASE("a silent peer makes receive fail with an I/O error at the deadline", "[unit]") {
    auto link = Link::make_pair();
    Error e = receive_error(link.custody, almost_now());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("no answer within"));
}

TEST_CASE("wake-ups without a frame do not count as one", "[unit]") {
    auto link = Link::make_pair();
    // Two frames sent and taken leave the reader waiting for a third, whatever the socket holds.
    link.network.send(Bytes{1});
    CHECK(link.custody.receive(soon(), kNextRequestSpin) == Bytes{1});
    std::jthread writer([&] {
        std::this_thread::sleep_for(50ms);
        link.network.send(Bytes{2});
    });
    CHECK(link.custody.receive(soon(), std::chrono::microseconds(0)) == Bytes{2});
    writer.join();
    CHECK(receive_error(link.custody, almost_now()).code() == Errc::Io);
}

TEST_CASE("a frame already posted is received even when the deadline has passed", "[unit]") {
    auto link = Link::make_pair();
    link.network.send(Bytes{1, 2, 3});
    CHECK(link.custody.receive(std::chrono::steady_clock::now() - 1s, kNextRequestSpin) ==
          Bytes{1, 2, 3});
}

TEST_CASE("a reader asleep wakes when its peer closes", "[unit]") {
    auto link = Link::make_pair();
    std::jthread closer([&] {
        std::this_thread::sleep_for(50ms);
        link.network.close();
    });
    Error e = receive_error(link.custody, soon());
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("the peer closed the connection"));
}

TEST_CASE("sending to a peer killed while asleep is an I/O error, not SIGPIPE", "[unit]") {
    auto link = Link::make_pair();
    pid_t reader = ::fork();
    REQUIRE(reader >= 0);
    if (reader == 0) {
        link.network.close();
        link.custody.receive(soon(), std::chrono::microseconds(0));
        ::_exit(0);
    }
    link.custody.close();
    // Killed in its sleep, the reader leaves its asleep flag up: the send tries to wake it.
    std::this_thread::sleep_for(300ms);
    ::kill(reader, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(reader, &status, 0) == reader);
    Error e = send_error(link.network, Bytes{1});
    CHECK(e.code() == Errc::Io);
    CHECK_THAT(e.what(), Contains("the peer closed the connection"));
}

TEST_CASE("send refuses an empty body and one over kMaxFrameBytes", "[unit]") {
    auto link = Link::make_pair();
    CHECK(send_error(link.network, Bytes{}).code() == Errc::Protocol);
    CHECK(send_error(link.network, Bytes(kMaxFrameBytes + 1)).code() == Errc::Protocol);
    CHECK(receive_error(link.custody, almost_now()).code() == Errc::Io);
}

TEST_CASE("a reader spins for the next frame only when the peer's last one came within the spin",
          "[unit]") {
    auto link = Link::make_pair();
    CHECK(link.network.spins_next());
    slow_turn(link);
    CHECK_FALSE(link.network.spins_next());

    // Learned from when the peer posted, not from when the reader looked: a reader that comes
    // late to a prompt answer spins again.
    link.network.send(Bytes{3});
    link.custody.send(Bytes{4});
    std::this_thread::sleep_for(5ms);
    CHECK(link.network.receive(soon(), kAnswerSpin) == Bytes{4});
    CHECK(link.network.spins_next());
}

TEST_CASE("a reader that stopped spinning still receives frames, asleep", "[unit]") {
    auto link = Link::make_pair();
    slow_turn(link);
    REQUIRE_FALSE(link.network.spins_next());
    link.network.send(Bytes{3});
    std::jthread custody([&] {
        std::this_thread::sleep_for(20ms);
        link.custody.send(Bytes{5});
    });
    CHECK(link.network.receive(soon(), kAnswerSpin) == Bytes{5});
}

TEST_CASE("a posted time the peer made up changes only whether the reader spins", "[unit]") {
    auto link = Link::make_pair();
    const Bytes body{'b', 'o', 'd', 'y'};
    link.custody.send(Bytes{1});
    link.network.post_unchecked(4, body, std::numeric_limits<std::int64_t>::min());
    CHECK(link.custody.receive(soon(), kNextRequestSpin) == body);
    CHECK(link.custody.spins_next());

    link.custody.send(Bytes{1});
    link.network.post_unchecked(4, body, std::numeric_limits<std::int64_t>::max());
    CHECK(link.custody.receive(soon(), kNextRequestSpin) == body);
    CHECK_FALSE(link.custody.spins_next());
}
