#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/order_cli/order_cli_support.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

TEST_CASE("issue --replaces is skipped with a note when the CA offers no renewalInfo", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-order-replaces");
    auto first = run_hwacme(dns01_issue(pebble, tmp, {"replaces.example.com"}, kWorkingHook),
                            hook_env(pebble));
    REQUIRE(first.exit_code == 0);
    fs::copy_file(tmp / "out" / "cert.pem", tmp / "old.pem");

    auto args = dns01_issue(pebble, tmp, {"replaces.example.com"}, kWorkingHook);
    args.insert(args.end(), {"--replaces", (tmp / "old.pem").string()});
    auto renewed = run_hwacme(args, hook_env(pebble));
    INFO(renewed.stderr_text);
    REQUIRE(renewed.exit_code == 0);
    CHECK(renewed.stderr_text.find("the CA offers no renewalInfo (ARI): --replaces " +
                                   (tmp / "old.pem").string() + " is skipped") !=
          std::string::npos);
    auto serial = [](const fs::path& pem) {
        return run_command({"openssl", "x509", "-in", pem.string(), "-noout", "-serial"})
            .stdout_text;
    };
    CHECK(serial(tmp / "out" / "cert.pem") != serial(tmp / "old.pem"));

    args.back() = (tmp / "missing.pem").string();
    auto missing = run_hwacme(args, hook_env(pebble));
    CHECK(missing.exit_code == 1);
    CHECK(missing.stderr_text.find("missing.pem") != std::string::npos);
}
