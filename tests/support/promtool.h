#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "tests/support/process.h"

namespace hwacme::test {

/// Checks a Prometheus text file with Prometheus's own parser and linter, `promtool check
/// metrics` (Debian package prometheus): the test fails on anything it reports.
inline void require_promtool_accepts(const std::filesystem::path& metrics_file) {
    if (run_command({"sh", "-c", "command -v promtool"}).exit_code != 0)
        FAIL("promtool is missing: install the Debian package prometheus");
    auto checked =
        run_command({"sh", "-c", "promtool check metrics <\"$1\"", "sh", metrics_file.string()});
    INFO("promtool: " << checked.stdout_text << checked.stderr_text);
    REQUIRE(checked.exit_code == 0);
    CHECK(checked.stdout_text.empty());
}

}  // namespace hwacme::test
