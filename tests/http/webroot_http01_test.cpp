#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "agent/http/http01_responder.h"
#include "common/atomic_file.h"
#include "common/error.h"
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
