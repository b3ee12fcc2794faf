#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hwacme {

/// Writes `content` to `path` so that readers see the old file or the whole new one, never a
/// part: a temp file in the same folder, fsync, rename, fsync of the folder. `mode` is applied
/// to the temp file before any byte is written.
void write_file_atomic(const std::filesystem::path& path, std::string_view content,
                       unsigned mode = 0644);

/// Reads a whole file; Error{NotFound} when it does not exist, Error{Io} otherwise.
std::string read_file(const std::filesystem::path& path);

/// The same, or nullopt when the file does not exist: for state a first run has not written.
std::optional<std::string> read_file_if_exists(const std::filesystem::path& path);

/// The biggest state file hwacme reads: a certificate state with twenty history entries and a
/// few retired keys is ~10 KiB.
inline constexpr std::size_t kMaxStateFileBytes = 1024 * 1024;

/// Reads a file of the state folder, which a sandboxed network process writes and key custody
/// (perhaps root) reads: a regular file that is no symbolic link, of at most
/// kMaxStateFileBytes, so a link planted there cannot have custody read another file, nor a FIFO
/// or device make it wait or fill its memory. nullopt when the file does not exist;
/// Error{Io} naming the file (never its content) otherwise.
std::optional<std::string> read_state_file(const std::filesystem::path& path);

}  // namespace hwacme
