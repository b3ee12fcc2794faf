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
