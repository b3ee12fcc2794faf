#pragma once

#include <chrono>
#include <cstddef>

#include "common/bytes.h"

namespace hwacme::custody {

/// The largest frame body: a JWS over the largest payload, base64url-encoded, with room to spare.
inline constexpr std::size_t kMaxFrameBytes = 256 * 1024;

using Deadline = std::chrono::steady_clock::time_point;

/// Frames on a connected stream socket (the custody socketpair): a 4-byte big-endian length,
/// then that many bytes, 1..kMaxFrameBytes. Both calls wait with poll() until `deadline`, so a
/// peer that stops reading or answering cannot hang the caller, and restart after EINTR.
/// Neither is safe to call from two threads on the same fd at once.
///
/// Errors: Errc::Io when the peer closed the connection, a read or write failed or the deadline
/// passed; Errc::Protocol for a length of 0 or over the bound, found before any body is read.
///
/// A reader first polls without sleeping for `spin`: waking a process blocked in poll costs
/// ~37 µs on a VM, more than a SoftHSM signature.
void write_frame(int fd, ByteView body, Deadline deadline);
Bytes read_frame(int fd, Deadline deadline, std::chrono::microseconds spin);

/// How long the network process spins for custody's answer: custody usually answers within a
/// device's signing time (tens of microseconds to a few milliseconds).
inline constexpr std::chrono::microseconds kAnswerSpin{150};
/// How long custody spins for the next request: it comes at once when the network process signs
/// several requests in a row, and after a round trip to the CA (milliseconds) otherwise, when
/// spinning would only burn custody's CPU.
inline constexpr std::chrono::microseconds kNextRequestSpin{30};

}  // namespace hwacme::custody
