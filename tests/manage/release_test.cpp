#include "agent/manage/release.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <functional>

#include "common/atomic_file.h"
#include "common/error.h"
#include "tests/cli/hwacme_runner.h"

using namespace hwacme;
using namespace hwacme::manage;
using hwacme::test::TempDir;
namespace fs = std::filesystem;

namespace {

// Release files only carry PEM text through; no parsing happens here, so labels suffice.
const std::vector<std::string> kChainA{"LEAF-A\n", "INTERMEDIATE\n", "ROOT\n"};
const std::vector<std::string> kChainB{"LEAF-B\n", "INTERMEDIATE\n"};

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

Errc error_code_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.code();
    }
    FAIL("no error");
    return Errc::Io;
}

}  // namespace

TEST_CASE("a release holds the certificate files and the key URI", "[unit]") {
    TempDir tmp("hwacme-release");
    auto out = tmp / "out";
    auto release = write_release(out, "0A1B", kChainA, "pkcs11:token=acme;object=web", 0640);
    CHECK(release.dir == out / "releases" / "0A1B");
    CHECK(read_file(release.cert) == "LEAF-A\n");
    CHECK(read_file(release.chain) == "INTERMEDIATE\nROOT\n");
    CHECK(read_file(release.fullchain) == "LEAF-A\nINTERMEDIATE\nROOT\n");
    CHECK(read_file(release.key_uri_file) == "pkcs11:token=acme;object=web\n");
    CHECK_FALSE(release.key_file.has_value());
    CHECK_FALSE(fs::exists(fs::symlink_status(release.dir / "key.pem")));
    CHECK(mode_of(release.cert) == 0640);
    CHECK(mode_of(release.fullchain) == 0640);
    CHECK(mode_of(release.key_uri_file) == 0644);
    CHECK(mode_of(release.dir) == 0755);
    CHECK(mode_of(out / "releases") == 0755);
    CHECK(std::distance(fs::directory_iterator(release.dir), fs::directory_iterator()) == 4);
}

TEST_CASE("a release of a key kept in a file links key.pem to that file", "[unit]") {
    TempDir tmp("hwacme-release");
    write_file_atomic(tmp / "web.tss2.pem", "TSS2 KEY\n", 0600);
    write_file_atomic(tmp / "web.pem", "SOFT KEY\n", 0600);
    auto scheme = GENERATE(as<std::string>{}, "tpm2", "file");
    auto file = scheme == "tpm2" ? tmp / "web.tss2.pem" : tmp / "web.pem";
    auto uri = scheme == "tpm2" ? "tpm2:path=" + file.string() : "file:" + file.string();
    auto release = write_release(tmp / "out", "01", kChainB, uri, 0644);
    REQUIRE(release.key_file == release.dir / "key.pem");
    CHECK(fs::read_symlink(*release.key_file) == file);
    CHECK(fs::equivalent(*release.key_file, file));
    CHECK(release_at(release.dir).key_file == release.dir / "key.pem");
}

TEST_CASE("a release of a persistent TPM key has no key.pem", "[unit]") {
    TempDir tmp("hwacme-release");
    auto release = write_release(tmp / "out", "01", kChainB, "tpm2:handle=0x81000002", 0644);
    CHECK_FALSE(release.key_file.has_value());
    CHECK_FALSE(release_at(release.dir).key_file.has_value());
}

TEST_CASE("activating releases switches current and frees the old release", "[unit]") {
    TempDir tmp("hwacme-release");
    auto out = tmp / "out";
    CHECK_FALSE(active_release_dir(out).has_value());
    auto first = write_release(out, "0A", kChainA, "pkcs11:object=web-1", 0644);
    auto second = write_release(out, "0B", kChainB, "pkcs11:object=web-2", 0644);

    ::symlink("releases/0A", (out / ".current.tmp.99.1").c_str());  // left by a crash
    activate_release(out, first);
    CHECK(active_release_dir(out) == first.dir);
    CHECK(read_file(out / "current" / "fullchain.pem") == "LEAF-A\nINTERMEDIATE\nROOT\n");
    // Relative, so the output folder can be moved or mounted elsewhere.
    CHECK(fs::read_symlink(out / "current") == fs::path("releases") / "0A");

    activate_release(out, second);
    CHECK(active_release_dir(out) == second.dir);
    CHECK(read_file(out / "current" / "key.uri") == "pkcs11:object=web-2\n");
    CHECK(std::distance(fs::directory_iterator(out), fs::directory_iterator()) == 2);

    CHECK(error_code_of([&] { remove_release(out, second.dir); }) == Errc::InvalidArgument);
    CHECK(fs::exists(second.dir));
    remove_release(out, first.dir);
    CHECK_FALSE(fs::exists(first.dir));
    CHECK_NOTHROW(remove_release(out, first.dir));
    CHECK(read_file(out / "current" / "cert.pem") == "LEAF-B\n");
}

TEST_CASE("a release left half-written by a crash is completed when written again", "[unit]") {
    TempDir tmp("hwacme-release");
    auto out = tmp / "out";
    auto release = write_release(out, "0C", kChainA, "pkcs11:object=web", 0644);
    fs::remove(release.fullchain);
    write_file_atomic(release.cert, "LEAF-A truncat", 0644);
    write_file_atomic(release.dir / ".chain.pem.tmp.Xy12Ab", "INTERM", 0644);
    CHECK(error_code_of([&] { activate_release(out, release_at(release.dir)); }) == Errc::NotFound);
    CHECK_FALSE(active_release_dir(out).has_value());

    release = write_release(out, "0C", kChainA, "pkcs11:object=web", 0644);
    CHECK(read_file(release.cert) == "LEAF-A\n");
    CHECK(read_file(release.fullchain) == "LEAF-A\nINTERMEDIATE\nROOT\n");
    CHECK(std::distance(fs::directory_iterator(release.dir), fs::directory_iterator()) == 4);
    activate_release(out, release);
    CHECK(active_release_dir(out) == release.dir);
}

TEST_CASE("release removal never reaches outside the releases folder", "[unit]") {
    TempDir tmp("hwacme-release");
    auto out = tmp / "out";
    write_release(out, "0D", kChainB, "pkcs11:object=web", 0644);
    fs::create_directories(tmp / "precious");
    CHECK(error_code_of([&] { remove_release(out, tmp / "precious"); }) == Errc::InvalidArgument);
    CHECK(error_code_of([&] { remove_release(out, out / "releases" / ".."); }) ==
          Errc::InvalidArgument);
    CHECK(fs::exists(tmp / "precious"));
    CHECK(fs::exists(out / "releases" / "0D"));
}

TEST_CASE("a serial that is not hex cannot name a release folder", "[unit]") {
    TempDir tmp("hwacme-release");
    auto serial = GENERATE(as<std::string>{}, "", "..", "0A/../..", "0x1F");
    CHECK(error_code_of([&] { write_release(tmp / "out", serial, kChainB, "file:/k", 0644); }) ==
          Errc::InvalidArgument);
}

TEST_CASE("a current that is not a symlink is reported rather than replaced", "[unit]") {
    TempDir tmp("hwacme-release");
    auto out = tmp / "out";
    fs::create_directories(out / "current");
    CHECK(error_code_of([&] { active_release_dir(out); }) == Errc::Io);
    auto release = write_release(out, "0E", kChainB, "pkcs11:object=web", 0644);
    CHECK(error_code_of([&] { activate_release(out, release); }) == Errc::Io);
    CHECK(fs::is_directory(fs::symlink_status(out / "current")));
}
