#include "common/directories.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/error.h"
#include "common/fd.h"

namespace hwacme {
namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
    throw Error(Errc::Io, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void create_directories_with_mode(const std::filesystem::path& dir, unsigned mode) {
    if (dir.empty()) return;
    struct stat st {};
    if (::stat(dir.c_str(), &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            throw Error(Errc::Io, "cannot create the folder " + dir.string() +
                                      ": a file of that name exists");
        return;
    }
    auto parent = dir.parent_path();
    if (parent != dir) create_directories_with_mode(parent, mode);
    if (::mkdir(dir.c_str(), mode) != 0) {
        if (errno == EEXIST) return;  // another process made it meanwhile
        throw_errno("cannot create the folder", dir);
    }
    if (::chmod(dir.c_str(), mode) != 0) throw_errno("cannot set the mode of", dir);
}

void fsync_directory(const std::filesystem::path& dir) {
    Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::fsync(fd.get()) != 0) throw_errno("cannot flush the folder", dir);
}

}  // namespace hwacme
