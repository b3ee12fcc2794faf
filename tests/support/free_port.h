#pragma once

namespace hwacme::test {

/// A loopback TCP port the kernel just handed out and took back: free for a server to bind.
/// Another process could take it before the server binds it; the test then sees the server fail
/// to start. Throws Error(Io) if no port can be had.
int free_port();

}  // namespace hwacme::test
