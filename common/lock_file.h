#pragma once

#include <filesystem>
#include <string_view>

#include "common/fd.h"

namespace hwacme {

/// Opens (creating it 0600) the file an advisory flock is taken on, in a folder made 0700
/// whatever the umask (a user's ~/.local/state may not exist yet). O_NOFOLLOW: a symlink planted
/// in its place must not make hwacme open, create or truncate what it points to.
/// Error{Io} naming `what` ("the lock file", "the TPM lock") and the path.
Fd open_lock_file(const std::filesystem::path& file, std::string_view what);

}  // namespace hwacme
