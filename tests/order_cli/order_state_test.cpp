#include "agent/service/order_state.h"

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>

#include "common/rfc3339.h"
#include "tests/cli/hwacme_runner.h"

using namespace hwacme::service;
using hwacme::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kCa = "https://127.0.0.1:14000/dir";

SavedOrder record(std::vector<std::string> names, std::string key, std::string url) {
    return {kCa, std::move(names), std::move(key), std::move(url),
            std::chrono::sys_seconds(std::chrono::seconds(1795000000))};
}

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

}  // namespace

TEST_CASE("a saved order loads back for the same set of names however spelled", "[unit]") {
    TempDir tmp("hwacme-order-state");
    auto state = tmp / "state";
    save_order(state, record({"www.example.com", "example.com"}, "file:/k.pem", "https://ca/o/1"));

    auto loaded = load_saved_order(state, kCa, {"Example.com", "www.example.com", "example.com"},
                                   "file:/k.pem");
    REQUIRE(loaded);
    CHECK(loaded->order_url == "https://ca/o/1");
    CHECK(loaded->names == std::vector<std::string>{"example.com", "www.example.com"});
    CHECK(hwacme::format_rfc3339(loaded->saved_at) == "2026-11-18T11:06:40Z");
    CHECK_FALSE(load_saved_order(state, kCa, {"example.com"}, "file:/k.pem"));
    CHECK_FALSE(
        load_saved_order(state, kCa, {"example.com", "www.example.com"}, "file:/other.pem"));
    CHECK_FALSE(load_saved_order(state, "https://other/dir", {"example.com", "www.example.com"},
                                 "file:/k.pem"));
}

TEST_CASE("saved orders live in private folders and files", "[unit]") {
    TempDir tmp("hwacme-order-state");
    auto state = tmp / "state";
    auto order = record({"example.com"}, "file:/k.pem", "https://ca/o/1");
    save_order(state, order);
    auto path = saved_order_path(state, kCa, order.names, order.key_uri);
    CHECK(path.parent_path().filename() == "127.0.0.1_14000_dir");
    CHECK(mode_of(state) == 0700);
    CHECK(mode_of(state / "orders") == 0700);
    CHECK(mode_of(path.parent_path()) == 0700);
    CHECK(mode_of(path) == 0600);
}

TEST_CASE("saving again replaces the record and removing forgets it", "[unit]") {
    TempDir tmp("hwacme-order-state");
    auto state = tmp / "state";
    save_order(state, record({"example.com"}, "file:/k.pem", "https://ca/o/1"));
    save_order(state, record({"example.com"}, "file:/k.pem", "https://ca/o/2"));
    save_order(state, record({"example.com"}, "pkcs11:token=t;object=k", "https://ca/o/3"));
    auto listed = list_saved_orders(state);
    REQUIRE(listed.size() == 2);
    std::vector<std::string> urls{listed[0].order_url, listed[1].order_url};
    std::sort(urls.begin(), urls.end());
    CHECK(urls == std::vector<std::string>{"https://ca/o/2", "https://ca/o/3"});

    remove_saved_order(state, record({"example.com"}, "file:/k.pem", ""));
    CHECK_FALSE(load_saved_order(state, kCa, {"example.com"}, "file:/k.pem"));
    REQUIRE(list_saved_orders(state).size() == 1);
    CHECK(list_saved_orders(state)[0].order_url == "https://ca/o/3");
    remove_saved_order(state, record({"example.com"}, "file:/k.pem", ""));  // already gone
}

TEST_CASE("a corrupt saved order is ignored rather than blocking issuance", "[unit]") {
    TempDir tmp("hwacme-order-state");
    auto state = tmp / "state";
    auto order = record({"example.com"}, "file:/k.pem", "https://ca/o/1");
    save_order(state, order);
    std::ofstream(saved_order_path(state, kCa, order.names, order.key_uri)) << "{\"order_url\":";
    CHECK_FALSE(load_saved_order(state, kCa, order.names, order.key_uri));
    CHECK(list_saved_orders(state).empty());
    save_order(state, order);
    CHECK(load_saved_order(state, kCa, order.names, order.key_uri));
}
