#include "common/folder_removal.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/fd.h"
#include "common/log.h"

namespace hwacme {
namespace {

constexpr int kWalkFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr int kListFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr int kMaxDepth = 64;

/// The folder holding `path` (walked from `/` without following links) and its last name;
/// an Fd of -1 when the walk fails or the path has no last name.
std::pair<Fd, std::string> parent_of(const std::filesystem::path& path) {
    auto absolute = std::filesystem::absolute(path).lexically_normal();
    if (!absolute.has_filename()) absolute = absolute.parent_path();
    Fd folder(::open("/", kWalkFlags));
    std::string last = absolute.filename().string();
    auto parent = absolute.parent_path();
    for (const auto& part : parent.relative_path()) {
        if (folder.get() < 0) break;
        folder = Fd(::openat(folder.get(), part.c_str(), kWalkFlags));
    }
    if (last.empty() || last == "/") return {Fd(-1), ""};
    return {std::move(folder), last};
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
    throw Error(Errc::Io, "cannot remove " + log::printable(path.string(), 300) + ": " + what +
                              ": " + std::strerror(errno));
}

/// Empties the folder open at `fd` (`path` names it in errors).
void clear_folder(int fd, const std::filesystem::path& path, int depth) {
    if (depth > kMaxDepth) {
        errno = ELOOP;
        fail(path, "more than " + std::to_string(kMaxDepth) + " folders deep");
    }
    std::vector<std::string> names;
    {
        DIR* listing = ::fdopendir(::dup(fd));
        if (!listing) fail(path, "cannot list it");
        while (auto* entry = ::readdir(listing)) {
            std::string name = entry->d_name;
            if (name != "." && name != "..") names.push_back(std::move(name));
        }
        ::closedir(listing);
    }
    for (const auto& name : names) {
        if (::unlinkat(fd, name.c_str(), 0) == 0) continue;
        if (errno != EISDIR) fail(path / name, "unlink");
        Fd inner(::openat(fd, name.c_str(), kListFlags));
        if (inner.get() < 0) fail(path / name, "open");
        clear_folder(inner.get(), path / name, depth + 1);
        if (::unlinkat(fd, name.c_str(), AT_REMOVEDIR) != 0) fail(path / name, "rmdir");
    }
}

}  // namespace

bool remove_empty_folder(const std::filesystem::path& dir) noexcept {
    try {
        auto [parent, name] = parent_of(dir);
        return parent.get() >= 0 && ::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR) == 0;
    } catch (const std::exception&) {
        return false;
    }
}

void remove_folder_tree(const std::filesystem::path& dir) {
    auto [parent, name] = parent_of(dir);
    if (parent.get() < 0) {
        if (errno == ENOENT) return;
        fail(dir, "cannot reach it without following a link");
    }
    Fd folder(::openat(parent.get(), name.c_str(), kListFlags));
    if (folder.get() < 0) {
        if (errno == ENOENT) return;
        fail(dir, "open");
    }
    clear_folder(folder.get(), dir, 0);
    if (::unlinkat(parent.get(), name.c_str(), AT_REMOVEDIR) != 0) fail(dir, "rmdir");
}

}  // namespace hwacme
