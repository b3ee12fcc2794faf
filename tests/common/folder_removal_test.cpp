// Removals a root custody process makes in folders a less trusted process wrote: links swapped
// in on the way or planted inside never lead them elsewhere.
#include <catch2/catch.hpp>
#include <fstream>

#include "common/error.h"
#include "common/folder_removal.h"
#include "tests/support/temp_dir.h"

using namespace hwacme;
namespace fs = std::filesystem;

TEST_CASE("an empty folder is removed, one with content or reached through a link is not",
          "[unit]") {
    test::TempDir tmp("hwacme-folder-removal");
    fs::create_directories(tmp / "out" / "empty");
    CHECK(remove_empty_folder(tmp / "out" / "empty"));
    CHECK_FALSE(fs::exists(tmp / "out" / "empty"));

    fs::create_directories(tmp / "full");
    std::ofstream(tmp / "full" / "file") << "x";
    CHECK_FALSE(remove_empty_folder(tmp / "full"));
    CHECK(fs::exists(tmp / "full" / "file"));

    // A link swapped in for a folder on the way: the empty folder it leads to stays.
    fs::create_directories(tmp / "elsewhere" / "empty");
    fs::create_directory_symlink(tmp / "elsewhere", tmp / "swapped");
    CHECK_FALSE(remove_empty_folder(tmp / "swapped" / "empty"));
    CHECK(fs::exists(tmp / "elsewhere" / "empty"));
    // And a link as the folder itself.
    fs::create_directory_symlink(tmp / "elsewhere" / "empty", tmp / "link");
    CHECK_FALSE(remove_empty_folder(tmp / "link"));
    CHECK(fs::exists(tmp / "elsewhere" / "empty"));
    CHECK_FALSE(remove_empty_folder(tmp / "missing"));
}

TEST_CASE("a folder tree goes with its links, never with what they point to", "[unit]") {
    test::TempDir tmp("hwacme-folder-removal");
    fs::create_directories(tmp / "keep" / "inner");
    std::ofstream(tmp / "keep" / "inner" / "precious") << "x";
    fs::create_directories(tmp / "scratch" / "state" / "deep" / "deeper");
    std::ofstream(tmp / "scratch" / "state" / "deep" / "deeper" / "file") << "x";
    fs::create_directory_symlink(tmp / "keep", tmp / "scratch" / "state" / "to-keep");
    fs::create_symlink(tmp / "keep" / "inner" / "precious", tmp / "scratch" / "to-file");

    remove_folder_tree(tmp / "scratch");
    CHECK_FALSE(fs::exists(fs::symlink_status(tmp / "scratch")));
    CHECK(fs::exists(tmp / "keep" / "inner" / "precious"));

    CHECK_NOTHROW(remove_folder_tree(tmp / "scratch"));
    fs::create_directory_symlink(tmp / "keep", tmp / "scratch-link");
    CHECK_THROWS_AS(remove_folder_tree(tmp / "scratch-link"), Error);
    CHECK(fs::exists(tmp / "keep" / "inner" / "precious"));
}
