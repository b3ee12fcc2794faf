#include "tests/http/hostile_webroot.h"

#include <catch2/catch.hpp>

#include <pwd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cstdlib>

#include "common/atomic_file.h"
#include "tests/support/slurp.h"

namespace hwacme::test {

namespace fs = std::filesystem;

void require_root(const std::string& why) {
    if (::geteuid() != 0)
        FAIL("this test needs root (it runs as uid " << ::geteuid() << "): " << why);
}

WebUser web_user() {
    const passwd* nobody = ::getpwnam("nobody");
    REQUIRE(nobody);
    return {nobody->pw_uid, nobody->pw_gid};
}

CommandResult run_as(const WebUser& user, const std::vector<std::string>& argv) {
    std::vector<std::string> full{"setpriv", "--reuid=" + std::to_string(user.uid),
                                  "--regid=" + std::to_string(user.gid), "--clear-groups"};
    full.insert(full.end(), argv.begin(), argv.end());
    return run_command(full);
}

RootScratch::RootScratch() {
    std::string templ = "/var/lib/hwacme-test.XXXXXX";
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path_ = templ;
    // mkdtemp makes it 0700; the web user must reach the webroot inside.
    fs::permissions(path_, fs::perms(0755));
}

RootScratch::~RootScratch() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

std::map<std::string, std::string> tree(const fs::path& root) {
    std::map<std::string, std::string> entries;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        auto name = fs::relative(entry.path(), root).string();
        if (entry.is_symlink())
            entries[name] = "<link>";
        else if (entry.is_directory())
            entries[name] = "<folder>";
        else
            entries[name] = slurp(entry.path());
    }
    return entries;
}

FolderWatch::FolderWatch(const fs::path& folder) : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
    REQUIRE(fd_.get() >= 0);
    REQUIRE(::inotify_add_watch(
                fd_.get(), folder.c_str(),
                IN_CREATE | IN_DELETE | IN_MODIFY | IN_ATTRIB | IN_MOVED_FROM | IN_MOVED_TO) >= 0);
}

std::vector<std::string> FolderWatch::changes() {
    std::vector<std::string> seen;
    alignas(inotify_event) char buffer[4096];
    ssize_t size;
    while ((size = ::read(fd_.get(), buffer, sizeof buffer)) > 0) {
        for (char* p = buffer; p < buffer + size;) {
            const auto* event = reinterpret_cast<const inotify_event*>(p);
            std::string what = event->mask & IN_CREATE       ? "created"
                               : event->mask & IN_DELETE     ? "deleted"
                               : event->mask & IN_MODIFY     ? "modified"
                               : event->mask & IN_ATTRIB     ? "changed attributes of"
                               : event->mask & IN_MOVED_FROM ? "moved away"
                                                             : "moved in";
            seen.push_back(what + " " + (event->len ? event->name : "the folder"));
            p += sizeof(inotify_event) + event->len;
        }
    }
    return seen;
}

HostileWebroot::HostileWebroot()
    : user(web_user()), www(scratch / "www"), target(scratch / "target") {
    fs::create_directory(www);
    REQUIRE(::chown(www.c_str(), user.uid, user.gid) == 0);
    fs::create_directory(target);
    hwacme::write_file_atomic(target / "sshd_config", "PermitRootLogin no\n");
    as_user({"mkdir", (www / ".well-known").string()});
}

void HostileWebroot::as_user(const std::vector<std::string>& argv) const {
    auto result = run_as(user, argv);
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
}

}  // namespace hwacme::test
