#include "common/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "common/error.h"
#include "common/fd.h"

namespace hwacme {
namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::filesystem::path& path) {
    throw Error(Errc::Io, what + " " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view content, unsigned mode) {
    auto dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    std::string tmpl = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
    Fd fd(::mkstemp(tmpl.data()));
    if (fd.get() < 0) throw_errno("cannot create a temporary file beside", path);
    std::filesystem::path tmp = tmpl;
    auto discard = [&] { ::unlink(tmp.c_str()); };
    if (::fchmod(fd.get(), mode) != 0) {
        discard();
        throw_errno("cannot set the mode of", tmp);
    }
    for (std::size_t done = 0; done < content.size();) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            discard();
            throw_errno("cannot write", tmp);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
        discard();
        throw_errno("cannot flush", tmp);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        discard();
        throw_errno("cannot rename into", path);
    }
    Fd dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY));
    if (dirfd.get() >= 0) ::fsync(dirfd.get());
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) throw Error(Errc::NotFound, "file not found: " + path.string());
        throw_errno("cannot read", path);
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::optional<std::string> read_file_if_exists(const std::filesystem::path& path) {
    try {
        return read_file(path);
    } catch (const Error& e) {
        if (e.code() == Errc::NotFound) return std::nullopt;
        throw;
    }
}

std::optional<std::string> read_state_file(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    Fd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::nullopt;
        if (errno == ELOOP)
            throw Error(Errc::Io, "the state file " + path.string() +
                                      " is a symbolic link; hwacme follows none");
        throw_errno("cannot read", path);
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) throw_errno("cannot read", path);
    if (!S_ISREG(info.st_mode))
        throw Error(Errc::Io, "the state file " + path.string() + " is not a regular file");
    if (static_cast<std::size_t>(info.st_size) > kMaxStateFileBytes)
        throw Error(Errc::Io, "the state file " + path.string() + " holds more than " +
                                  std::to_string(kMaxStateFileBytes) + " bytes");
    std::string text(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("cannot read", path);
        if (n == 0) break;  // shrunk while read: what is there is parsed, and refused if torn
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return text;
}

}  // namespace hwacme
