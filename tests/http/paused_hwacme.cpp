#include "tests/http/paused_hwacme.h"

#include <catch2/catch.hpp>

#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <thread>

#include "tests/support/process_tree.h"
#include "tests/support/slurp.h"

namespace hwacme::test {
namespace {

std::vector<std::string> command_line(const std::vector<std::string>& prefix,
                                      const std::string& stop_after,
                                      const std::vector<std::string>& args) {
    // The preload is set by env, after the prefix: a wrapper such as prlimit must not load it.
    // A sanitizer build wants its runtime first among the libraries; the shim precedes it.
    const char* asan = std::getenv("ASAN_OPTIONS");
    std::vector<std::string> argv = prefix;
    argv.insert(argv.end(), {"env", std::string("LD_PRELOAD=") + HWACME_TEST_STOP_AFTER_LIB,
                             "HWACME_TEST_STOP_AFTER=" + stop_after,
                             std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                                 "verify_asan_link_order=0",
                             std::string(HWACME_BINARY_DIR) + "/hwacme"});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

/// The state letter of /proc/PID/stat ('T' when stopped), or nullopt once the process is gone.
std::optional<char> process_state(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return std::nullopt;
    auto end_of_name = line.rfind(") ");
    if (end_of_name == std::string::npos || end_of_name + 2 >= line.size()) return std::nullopt;
    return line[end_of_name + 2];
}

}  // namespace

PausedHwacme::PausedHwacme(const std::vector<std::string>& prefix, const std::string& stop_after,
                           const std::vector<std::string>& args,
                           const std::filesystem::path& log_dir)
    : stdout_path_(log_dir / "hwacme.stdout"),
      stderr_path_(log_dir / "hwacme.stderr"),
      process_(command_line(prefix, stop_after, args), {.env = {},
                                                        .stdout_path = stdout_path_,
                                                        .stderr_path = stderr_path_,
                                                        .new_session = true}) {}

void PausedHwacme::wait_until_stopped(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto state = process_state(process_.pid());
        auto candidates = children_of(process_.pid());
        candidates.insert(candidates.begin(), process_.pid());
        for (pid_t pid : candidates)
            if (process_state(pid) == 'T') {
                stopped_ = pid;
                return;
            }
        // A zombie or a vanished process exited before it got there.
        if (!state || state == 'Z' || std::chrono::steady_clock::now() > deadline) {
            INFO("hwacme's stderr: " << slurp(stderr_path_));
            FAIL("hwacme did not stop itself in time (state " << state.value_or('-') << ")");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
}

void PausedHwacme::resume() {
    REQUIRE(stopped_ > 0);
    REQUIRE(::kill(stopped_, SIGCONT) == 0);
}

CommandResult PausedHwacme::wait_for_exit(std::chrono::milliseconds timeout) {
    CommandResult result;
    auto code = process_.wait_for_exit(timeout);
    if (!code) {
        result.timed_out = true;
        code = process_.terminate();
    }
    result.exit_code = *code;
    result.stdout_text = slurp(stdout_path_);
    result.stderr_text = slurp(stderr_path_);
    return result;
}

}  // namespace hwacme::test
