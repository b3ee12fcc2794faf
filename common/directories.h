#pragma once

#include <filesystem>

namespace hwacme {

/// Creates `dir` and any missing parent, each new folder with exactly `mode` (chmod after mkdir,
/// so the umask cannot widen or narrow it); folders that exist already keep their mode.
/// Error{Io} naming the folder that could not be made.
void create_directories_with_mode(const std::filesystem::path& dir, unsigned mode);

/// Makes a rename, link or unlink inside `dir` durable (fsync(2) of the folder). Error{Io}.
void fsync_directory(const std::filesystem::path& dir);

}  // namespace hwacme
