#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/error.h"

using namespace hwacme;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
    fs::path dir =
        fs::temp_directory_path() / ("hwacme-test-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}
}  // namespace

TEST_CASE("atomic write replaces a file whole and leaves no temp file", "[unit]") {
    fs::path dir = fresh_dir("atomic");
    write_file_atomic(dir / "cert.pem", "old");
    write_file_atomic(dir / "cert.pem", "new content", 0600);
    CHECK(read_file(dir / "cert.pem") == "new content");
    struct stat st {};
    REQUIRE(::stat((dir / "cert.pem").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
    fs::remove_all(dir);
}

TEST_CASE("atomic write into a missing folder fails with an I/O error naming the path", "[unit]") {
    try {
        write_file_atomic("/nonexistent-hwacme-dir/cert.pem", "x");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Io);
        CHECK(std::string(e.what()).find("/nonexistent-hwacme-dir/cert.pem") != std::string::npos);
    }
}

TEST_CASE("reading a missing file is NotFound", "[unit]") {
    try {
        read_file("/nonexistent-hwacme-file");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
    }
}

TEST_CASE("a state file is read only as a regular file of bounded size, never through a link",
          "[unit]") {
    auto tmp = fresh_dir("state-file");
    auto state = tmp / "state.json";
    CHECK_FALSE(read_state_file(state).has_value());
    write_file_atomic(state, "{}");
    CHECK(read_state_file(state) == std::optional<std::string>("{}"));

    // What a subverted network process could leave for key custody to read.
    fs::create_symlink("/etc/hostname", tmp / "link.json");
    CHECK_THROWS_WITH(read_state_file(tmp / "link.json"), Catch::Contains("is a symbolic link"));
    REQUIRE(::mkfifo((tmp / "fifo.json").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(read_state_file(tmp / "fifo.json"), Catch::Contains("is not a regular file"));
    fs::create_directory(tmp / "dir.json");
    CHECK_THROWS_WITH(read_state_file(tmp / "dir.json"), Catch::Contains("is not a regular file"));
    write_file_atomic(tmp / "big.json", std::string(kMaxStateFileBytes + 1, ' '));
    CHECK_THROWS_WITH(read_state_file(tmp / "big.json"),
                      Catch::Contains("holds more than 1048576 bytes"));
    fs::remove_all(tmp);
}
