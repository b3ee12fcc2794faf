#include "common/secret_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "common/error.h"
#include "tests/support/temp_dir.h"

using namespace hwacme;

namespace {

void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

Errc error_of(const std::filesystem::path& path, std::size_t max_bytes = 16) {
    try {
        read_secret_file(path, max_bytes, "the PIN");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::StartsWith("the PIN file " + path.string()) ||
                                 Catch::StartsWith("cannot read the PIN file"));
        return e.code();
    }
    FAIL("read " << path);
    return Errc::Io;
}

}  // namespace

TEST_CASE("a secret file is read without its one trailing newline", "[unit]") {
    test::TempDir tmp("hwacme-secret");
    write(tmp / "pin", "1234\n");
    CHECK(read_secret_file(tmp / "pin", 16, "the PIN").view() == "1234");
    write(tmp / "pin", "1234\r\n");
    CHECK(read_secret_file(tmp / "pin", 16, "the PIN").view() == "1234");
    write(tmp / "pin", "12 34\n\n");
    CHECK(read_secret_file(tmp / "pin", 16, "the PIN").view() == "12 34\n");
    write(tmp / "pin", std::string(16, 'x'));
    CHECK(read_secret_file(tmp / "pin", 16, "the PIN").view().size() == 16);
}

TEST_CASE("a secret file that is too long, not a file, or missing is refused by name", "[unit]") {
    test::TempDir tmp("hwacme-secret-bad");
    write(tmp / "long", std::string(17, 'x'));
    CHECK(error_of(tmp / "long") == Errc::InvalidArgument);
    // Endless or blocking sources: refused before a byte is read.
    CHECK(error_of("/dev/zero") == Errc::InvalidArgument);
    REQUIRE(::mkfifo((tmp / "fifo").c_str(), 0600) == 0);
    CHECK(error_of(tmp / "fifo") == Errc::InvalidArgument);
    CHECK(error_of(tmp.path()) == Errc::InvalidArgument);
    CHECK(error_of(tmp / "missing") == Errc::NotFound);
}

TEST_CASE("pin-source and auth-source name a file the same way", "[unit]") {
    CHECK(secret_source_file("file:/etc/hwacme/pin") == std::filesystem::path("/etc/hwacme/pin"));
    CHECK(secret_source_file("/etc/hwacme/pin") == std::filesystem::path("/etc/hwacme/pin"));
    CHECK_FALSE(secret_source_file("file:pin"));
    CHECK_FALSE(secret_source_file("relative/pin"));
    CHECK_FALSE(secret_source_file("env:HWACME_PIN"));
    CHECK_FALSE(secret_source_file(""));
}

TEST_CASE("a secret from the environment is copied and loses one line break", "[unit]") {
    Secret secret = Secret::copy_of("1234\r\n");
    secret.drop_trailing_newline();
    CHECK(secret.view() == "1234");
    Secret moved = std::move(secret);
    CHECK(moved.view() == "1234");
    CHECK(Secret::copy_of("").empty());
}
