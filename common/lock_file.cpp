#include "common/lock_file.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "common/directories.h"
#include "common/error.h"

namespace hwacme {

Fd open_lock_file(const std::filesystem::path& file, std::string_view what) {
    create_directories_with_mode(file.parent_path(), 0700);
    Fd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (fd.get() < 0)
        throw Error(Errc::Io, "cannot open " + std::string(what) + " " + file.string() + ": " +
                                  std::strerror(errno));
    return fd;
}

}  // namespace hwacme
