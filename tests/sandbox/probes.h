#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/fd.h"

namespace hwacme::test {

// What a sandboxed child tries, each answering "ok" or the errno name of the step that failed,
// so the parent can compare facts.

/// Opens the file and reads one byte.
std::string try_read(const std::filesystem::path& path);
/// Creates the file exclusively.
std::string try_create(const std::filesystem::path& path);
/// Connects over TCP to 127.0.0.1:port.
std::string try_connect(std::uint16_t port);
/// Binds 127.0.0.1:port and listens.
std::string try_listen(std::uint16_t port);

/// Connects to the abstract UNIX socket `name` (no leading NUL).
std::string try_connect_abstract(const std::string& name);

/// A listener on 127.0.0.1 and a port the kernel picks; Error{Io} when there is none.
Fd loopback_listener();
/// A listener on the abstract UNIX socket `name`; Error{Io} when it cannot be had.
Fd abstract_listener(const std::string& name);
/// The port a socket is bound to.
std::uint16_t bound_port(const Fd& socket);

}  // namespace hwacme::test
