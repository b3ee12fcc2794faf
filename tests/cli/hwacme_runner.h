#pragma once

#include <string>
#include <vector>

#include "tests/support/process.h"
// The tests that run hwacme give it a scratch folder; they get TempDir from here.
#include "tests/support/temp_dir.h"

namespace hwacme::test {

/// Runs the built `hwacme` executable — the tests drive the product as an operator does.
inline CommandResult run_hwacme(const std::vector<std::string>& args,
                                const std::vector<std::string>& env = {},
                                std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    std::vector<std::string> argv{std::string(HWACME_BINARY_DIR) + "/hwacme"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env, timeout);
}

}  // namespace hwacme::test
