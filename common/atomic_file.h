#pragma once

#include <filesystem>
#include <string_view>

namespace hwacme {

/// Writes `content` to `path` so that readers see the old file or the whole new one, never a
/// part: a temp file in the same folder, fsync, rename, fsync of the folder. `mode` is applied
/// to the temp file before any byte is written.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644);

/// Reads a whole file; Error{NotFound} when it does not exist, Error{Io} otherwise.
std::string read_file(const std::filesystem::path& path);

}  // namespace hwacme
