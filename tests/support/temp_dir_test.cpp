#include "tests/support/temp_dir.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using hwacme::test::TempDir;

TEST_CASE("TempDir makes a fresh folder and removes it with its content", "[unit]") {
    fs::path kept;
    {
        TempDir one("hwacme-temp-dir-test");
        TempDir two("hwacme-temp-dir-test");
        CHECK(one.path() != two.path());
        CHECK(fs::is_directory(one.path()));
        CHECK(one.path().filename().string().starts_with("hwacme-temp-dir-test."));
        CHECK(one / "a.txt" == one.path() / "a.txt");
        fs::create_directories(one / "sub");
        std::ofstream(one / "sub" / "a.txt") << "content";
        kept = one.path();
    }
    CHECK_FALSE(fs::exists(kept));
}
