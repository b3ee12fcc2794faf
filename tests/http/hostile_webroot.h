#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "common/fd.h"
#include "tests/support/process.h"

namespace hwacme::test {

/// Fails the test, saying why, unless it runs as root: what it checks is what root does in a
/// folder another user controls. CI runs as root; such a test never passes quietly elsewhere.
void require_root(const std::string& why);

/// The unprivileged user the hostile steps run as: `nobody`.
struct WebUser {
    uid_t uid;
    gid_t gid;
};
WebUser web_user();

/// Runs `argv` as `user`, with no supplementary groups (setpriv).
CommandResult run_as(const WebUser& user, const std::vector<std::string>& argv);

/// A scratch folder under /var/lib, owned by root, mode 0755, removed with its content by the
/// destructor. Unlike the system temp folder (/tmp is world-writable), every folder from `/` to
/// it is root's and writable by nobody else: a place a deliberate link may point to.
class RootScratch {
public:
    RootScratch();
    ~RootScratch();
    RootScratch(const RootScratch&) = delete;
    RootScratch& operator=(const RootScratch&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

/// Every entry below `root` by relative path: a file's content, or "<folder>" / "<link>".
std::map<std::string, std::string> tree(const std::filesystem::path& root);

/// Records every change inside a folder (inotify): a file created and removed again within a run
/// leaves no trace in tree(), but it does here.
class FolderWatch {
public:
    explicit FolderWatch(const std::filesystem::path& folder);
    /// "EVENT NAME" for each change seen since construction, e.g. "created tok".
    std::vector<std::string> changes();

private:
    Fd fd_;
};

/// The scene of a local attack on `--webroot`: in a RootScratch, a webroot `www` that the web
/// user owns, with a `.well-known` the web user made, beside a root-owned folder `target` that
/// holds an sshd_config, which root's writes must never reach.
struct HostileWebroot {
    HostileWebroot();

    /// Runs `argv` as the web user; fails the test if it fails.
    void as_user(const std::vector<std::string>& argv) const;

    RootScratch scratch;
    WebUser user;
    std::filesystem::path www;
    std::filesystem::path target;
};

}  // namespace hwacme::test
