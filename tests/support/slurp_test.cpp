#include "tests/support/slurp.h"

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/temp_dir.h"

using hwacme::test::slurp;
using hwacme::test::TempDir;

TEST_CASE("slurp reads a whole file, bytes as written", "[unit]") {
    TempDir tmp("hwacme-slurp-test");
    const std::string text("line one\r\nline two\n\0tail", 24);
    std::ofstream(tmp / "f", std::ios::binary) << text;
    CHECK(slurp(tmp / "f") == text);
}

TEST_CASE("slurp of a file not written yet is empty", "[unit]") {
    TempDir tmp("hwacme-slurp-test");
    CHECK(slurp(tmp / "missing.log").empty());
}
