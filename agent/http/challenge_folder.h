#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/fd.h"

namespace hwacme::http {

/// <webroot>/.well-known/acme-challenge, opened once and written only through that descriptor.
///
/// Whoever can write the webroot (often the web server's user) must not be able to steer where
/// root writes or deletes, so the folders below the webroot are opened one at a time without
/// following links (openat O_NOFOLLOW), created when missing with mode 0755 whatever the umask,
/// and every token file is created and removed relative to the opened folder. The webroot itself
/// is opened as given: the operator chose it.
///
/// A symbolic link at `.well-known` or `acme-challenge` is followed only when it is deliberate:
/// owned by root or by the user hwacme runs as, the link's only name (no hard link made of
/// someone else's link), holding an absolute path, and every folder on that path — from `/` to
/// the target — a real folder owned by root or by that user and writable by neither group nor
/// others. Anything else is Error{Io} naming the path and why, before anything is written.
/// write() and remove() may run concurrently: they share only the descriptor.
class ChallengeFolder {
public:
    /// Error{NotFound} when `webroot` is not a folder; Error{Io} as above.
    explicit ChallengeFolder(const std::filesystem::path& webroot);

    /// Replaces the file `name` (a base64url token) with `content`, mode 0644, atomically: a new
    /// temporary file (O_CREAT|O_EXCL|O_NOFOLLOW), fsync, renameat over `name`.
    void write(const std::string& name, std::string_view content);

    /// Removes the file `name` if it is there.
    void remove(const std::string& name);

    /// The folder as reached from the webroot, for messages.
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    Fd fd_;
};

}  // namespace hwacme::http
