#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "agent/http/http01_responder.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "tests/http/hostile_webroot.h"
#include "tests/support/temp_dir.h"

using hwacme::Errc;
using hwacme::Error;
using hwacme::http::make_webroot_http01;
namespace fs = std::filesystem;

namespace {

unsigned mode_of(const fs::path& path) {
    struct stat info {};
    REQUIRE(::stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("webroot responder writes the key authorization with mode 0644 and removes it",
          "[unit]") {
    hwacme::test::TempDir webroot;
    auto responder = make_webroot_http01(webroot.path());
    auto folder = webroot.path() / ".well-known" / "acme-challenge";
    auto file = folder / "tok_EN-123";

    responder->provision("tok_EN-123", "tok_EN-123.thumbprint");
    CHECK(hwacme::read_file(file) == "tok_EN-123.thumbprint");
    CHECK(mode_of(file) == 0644);
    CHECK(mode_of(folder) == 0755);
    CHECK(mode_of(webroot.path() / ".well-known") == 0755);

    responder->remove("tok_EN-123");
    CHECK_FALSE(fs::exists(file));
    CHECK_NOTHROW(responder->remove("tok_EN-123"));
}

TEST_CASE("webroot responder replaces an earlier key authorization for the same token", "[unit]") {
    hwacme::test::TempDir webroot;
    auto responder = make_webroot_http01(webroot.path());
    responder->provision("abc", "first");
    responder->provision("abc", "second");
    CHECK(hwacme::read_file(webroot.path() / ".well-known/acme-challenge/abc") == "second");
}

TEST_CASE("webroot responder refuses tokens that are not base64url", "[unit]") {
    hwacme::test::TempDir webroot;
    auto responder = make_webroot_http01(webroot.path());
    for (const char* token : {"../evil", "a/b", "..", "", "tok.en", "tok en"}) {
        INFO("token: " << token);
        try {
            responder->provision(token, "x");
            FAIL("accepted");
        } catch (const Error& e) {
            CHECK(e.code() == Errc::Protocol);
        }
    }
    CHECK_FALSE(fs::exists(webroot.path() / "evil"));
    CHECK_FALSE(fs::exists(webroot.path() / ".well-known/evil"));
}

TEST_CASE("webroot responder for a missing webroot fails with NotFound naming it", "[unit]") {
    hwacme::test::TempDir parent;
    auto missing = parent.path() / "no-such-webroot";
    try {
        make_webroot_http01(missing);
        FAIL("accepted a missing webroot");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK_THAT(e.what(), Catch::Contains(missing.string()));
    }
}

TEST_CASE("webroot responder makes 0755 folders and 0644 files whatever the umask", "[unit]") {
    hwacme::test::TempDir webroot;
    mode_t old_umask = ::umask(077);
    auto responder = make_webroot_http01(webroot.path());
    responder->provision("tok", "tok.thumbprint");
    ::umask(old_umask);
    CHECK(mode_of(webroot.path() / ".well-known") == 0755);
    CHECK(mode_of(webroot.path() / ".well-known/acme-challenge") == 0755);
    CHECK(mode_of(webroot.path() / ".well-known/acme-challenge/tok") == 0644);
}

TEST_CASE("webroot responder follows only a deliberate link, and refuses others naming why",
          "[unit][root]") {
    hwacme::test::require_root("the links are made by another user, nobody");
    struct Case {
        const char* scene;
        const char* link;  // relative to www
        const char* reason;
    };
    auto scene = GENERATE(
        Case{"the web user links acme-challenge", ".well-known/acme-challenge", "owned by uid"},
        Case{"the web user links .well-known", ".well-known", "owned by uid"},
        Case{"root links to a relative path", ".well-known/acme-challenge", "a relative path"},
        Case{"root links to a folder others may write", ".well-known/acme-challenge",
             "is writable by group or others"},
        Case{"root links through the web user's folder", ".well-known/acme-challenge",
             "www is owned by uid"},
        Case{"root links through another link", ".well-known/acme-challenge",
             "is not a real folder"},
        Case{"a hard link names root's link again", ".well-known/acme-challenge", "2 names"},
        Case{"the web user puts a file there", ".well-known/acme-challenge", "not a folder"});
    INFO(scene.scene);
    hwacme::test::HostileWebroot w;
    auto link = w.www / scene.link;
    std::string what = scene.scene;
    if (what == "the web user links acme-challenge") {
        w.as_user({"ln", "-s", w.target.string(), link.string()});
    } else if (what == "the web user links .well-known") {
        w.as_user({"rmdir", link.string()});
        w.as_user({"ln", "-s", w.target.string(), link.string()});
    } else if (what == "root links to a relative path") {
        fs::create_directory_symlink("../../target", link);
    } else if (what == "root links to a folder others may write") {
        fs::create_directory(w.scratch / "open");
        fs::permissions(w.scratch / "open", fs::perms(0777));
        fs::create_directory_symlink(w.scratch / "open", link);
    } else if (what == "root links through the web user's folder") {
        w.as_user({"mkdir", (w.www / "inner").string()});
        fs::create_directory_symlink(w.www / "inner", link);
    } else if (what == "root links through another link") {
        fs::create_directory_symlink(w.target, w.scratch / "hop");
        fs::create_directory_symlink(w.scratch / "hop", link);
    } else if (what == "a hard link names root's link again") {
        // With fs.protected_hardlinks=0 anyone may name root's link again, in their own folder.
        fs::create_directory_symlink(w.target, w.www / "roots-link");
        REQUIRE(::linkat(AT_FDCWD, (w.www / "roots-link").c_str(), AT_FDCWD, link.c_str(), 0) == 0);
    } else {
        w.as_user({"touch", link.string()});
    }
    auto before = hwacme::test::tree(w.target);
    try {
        make_webroot_http01(w.www)->provision("tok", "tok.thumbprint");
        FAIL("used " << link);
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Io);
        CHECK_THAT(e.what(), Catch::StartsWith("cannot use " + link.string() + ": "));
        CHECK_THAT(e.what(), Catch::Contains(scene.reason));
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
    CHECK(hwacme::test::tree(w.target) == before);
}

TEST_CASE("webroot responder writes through root's link to a root-owned folder", "[unit][root]") {
    hwacme::test::require_root("the webroot belongs to another user, nobody");
    hwacme::test::HostileWebroot w;
    auto challenges = w.scratch / "challenges";
    fs::create_directory(challenges);
    fs::create_directory_symlink(challenges, w.www / ".well-known/acme-challenge");
    auto responder = make_webroot_http01(w.www);
    responder->provision("tok", "tok.thumbprint");
    CHECK(hwacme::read_file(challenges / "tok") == "tok.thumbprint");
    CHECK(mode_of(challenges / "tok") == 0644);
    responder->remove("tok");
    CHECK(fs::is_empty(challenges));
}
