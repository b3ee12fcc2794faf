#pragma once

#include <filesystem>

namespace hwacme {

// Removals made by a process that may be root, of folders whose contents another, less trusted
// process wrote (the sandboxed network process): each path is walked from `/` one folder at a
// time without following any symbolic link, so a link swapped in for a folder on the way, or
// planted inside, cannot lead the removal elsewhere. A path through a link is not removed.

/// Removes the folder `dir` when it is empty. True when it was removed; never throws.
bool remove_empty_folder(const std::filesystem::path& dir) noexcept;

/// Removes the folder `dir` and everything in it (links as links, at most 64 folders deep).
/// Error{Io} naming what could not be removed; a `dir` that does not exist is no error.
void remove_folder_tree(const std::filesystem::path& dir);

}  // namespace hwacme
