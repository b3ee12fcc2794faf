#include "agent/http/challenge_folder.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <random>

#include "common/error.h"
#include "common/log.h"

namespace hwacme::http {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kFolderMode = 0755;  // the web server, another user, must enter it
constexpr mode_t kFileMode = 0644;    // and read the key authorizations
constexpr int kFolderFlags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
// The folders on the way to a link's target are only looked at and walked through: O_PATH
// needs no read right on them, which a sandboxed network process lacks beyond its folders.
constexpr int kWalkFlags = O_PATH | O_DIRECTORY | O_CLOEXEC;

[[noreturn]] void refuse(const fs::path& path, const std::string& why) {
    throw Error(Errc::Io, "cannot use " + log::printable(path.string(), 300) + ": " + why);
}

std::string errno_text() {
    return std::strerror(errno);
}

bool trusted_owner(uid_t uid) {
    return uid == 0 || uid == ::geteuid();
}

std::string uid_text() {
    return ::geteuid() == 0 ? "root" : "root or uid " + std::to_string(::geteuid());
}

/// Why the folder open at `fd` may not hold root's files: someone else could swap what it holds.
std::optional<std::string> untrusted(int fd) {
    struct stat folder {};
    if (::fstat(fd, &folder) != 0) return errno_text();
    if (!trusted_owner(folder.st_uid)) return "owned by uid " + std::to_string(folder.st_uid);
    if (folder.st_mode & (S_IWGRP | S_IWOTH)) return "writable by group or others";
    return std::nullopt;
}

/// Walks the absolute `target` of a deliberate link from `/` without following further links,
/// every folder on the way trusted: nobody else can then change where the walk ends.
int open_trusted_target(const fs::path& link_path, const std::string& target) {
    auto reject = [&](const std::string& why) {
        refuse(link_path, "a symbolic link to " + log::printable(target, 300) + ", " + why);
    };
    if (!fs::path(target).is_absolute())
        reject("a relative path; hwacme follows only links to absolute paths");
    std::optional<Fd> folder;
    folder.emplace(::open("/", kWalkFlags));
    fs::path walked = "/";
    auto check = [&] {
        std::string why_not_open = errno_text();
        std::string shown = log::printable(walked.string(), 300);
        if (folder->get() < 0)
            reject("and " + shown + " is not a real folder (" + why_not_open + ")");
        if (auto why = untrusted(folder->get())) reject("and " + shown + " is " + *why);
    };
    check();
    // No link is followed on the way, so ".." can be resolved lexically.
    for (const auto& part : fs::path(target).lexically_normal().relative_path()) {
        if (part.empty()) continue;  // a trailing '/'
        walked /= part;
        folder.emplace(::openat(folder->get(), part.c_str(), kWalkFlags | O_NOFOLLOW));
        check();
    }
    return folder->release();
}

/// `name` in `parent` is not a folder: follows it only if it is a deliberate link (see header).
int open_deliberate_link(int parent, const char* name, const fs::path& path) {
    // The link itself, opened once: its owner and its target are read from the same inode.
    Fd link(::openat(parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    struct stat info {};
    if (link.get() < 0 || ::fstat(link.get(), &info) != 0) refuse(path, errno_text());
    if (!S_ISLNK(info.st_mode)) refuse(path, "not a folder");
    if (!trusted_owner(info.st_uid))
        refuse(path, "a symbolic link owned by uid " + std::to_string(info.st_uid) +
                         "; hwacme follows only links that " + uid_text() + " owns");
    if (info.st_nlink != 1)
        refuse(path, "a symbolic link with " + std::to_string(info.st_nlink) +
                         " names; hwacme follows only a link's single name");
    char target[PATH_MAX];
    ssize_t size = ::readlinkat(link.get(), "", target, sizeof target);
    if (size < 0 || static_cast<std::size_t>(size) >= sizeof target)
        refuse(path, "cannot read the symbolic link");
    return open_trusted_target(path, std::string(target, static_cast<std::size_t>(size)));
}

/// Opens the folder `name` in `parent` without following a link nobody trusted made, creating
/// it (mode kFolderMode) when it is missing.
int open_or_create(int parent, const char* name, const fs::path& path) {
    bool created = false;
    // More than one round only when another process makes or removes it between our calls.
    for (int round = 0; round < 3; ++round) {
        int fd = ::openat(parent, name, kFolderFlags | O_NOFOLLOW);
        if (fd >= 0) {
            struct stat info {};
            // chmod of the opened folder, not of a name: the umask of a root cron job may be
            // 077, and the web server must still enter. Only a folder this run made is touched.
            if (created && ::fstat(fd, &info) == 0 && info.st_uid == ::geteuid())
                ::fchmod(fd, kFolderMode);
            return fd;
        }
        if (errno == ELOOP || errno == ENOTDIR) return open_deliberate_link(parent, name, path);
        if (errno != ENOENT) refuse(path, errno_text());
        created = ::mkdirat(parent, name, kFolderMode) == 0;
        if (!created && errno != EEXIST) refuse(path, "cannot create it: " + errno_text());
    }
    refuse(path, "it keeps changing while hwacme opens it");
}

std::string temporary_name(const std::string& name) {
    std::random_device random;
    return "." + name + ".tmp." + std::to_string(random()) + std::to_string(random());
}

bool write_all(int fd, std::string_view content) {
    while (!content.empty()) {
        ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return false;
        content.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

int open_challenge_folder(const fs::path& webroot) {
    // The webroot itself is followed if it is a link: the operator named it.
    Fd root(::open(webroot.c_str(), kFolderFlags));
    if (root.get() < 0)
        throw Error(Errc::NotFound,
                    "webroot not found: " + webroot.string() + " (" + errno_text() + ")");
    Fd well_known(open_or_create(root.get(), ".well-known", webroot / ".well-known"));
    return open_or_create(well_known.get(), "acme-challenge",
                          webroot / ".well-known" / "acme-challenge");
}

}  // namespace

ChallengeFolder::ChallengeFolder(const fs::path& webroot)
    : path_(webroot / ".well-known" / "acme-challenge"), fd_(open_challenge_folder(webroot)) {}

void ChallengeFolder::write(const std::string& name, std::string_view content) {
    std::string temporary = temporary_name(name);
    Fd file(::openat(fd_.get(), temporary.c_str(),
                     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (file.get() < 0) refuse(path_ / temporary, "cannot create it: " + errno_text());
    bool written = ::fchmod(file.get(), kFileMode) == 0 && write_all(file.get(), content) &&
                   ::fsync(file.get()) == 0 && ::close(file.release()) == 0 &&
                   ::renameat(fd_.get(), temporary.c_str(), fd_.get(), name.c_str()) == 0;
    if (!written) {
        std::string why = errno_text();
        ::unlinkat(fd_.get(), temporary.c_str(), 0);
        refuse(path_ / name, "cannot write it: " + why);
    }
    // The rename is durable once the folder is.
    ::fsync(fd_.get());
}

void ChallengeFolder::remove(const std::string& name) {
    if (::unlinkat(fd_.get(), name.c_str(), 0) != 0 && errno != ENOENT)
        refuse(path_ / name, "cannot remove it: " + errno_text());
}

}  // namespace hwacme::http
