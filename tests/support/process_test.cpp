#include <signal.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "tests/support/process.h"

using namespace std::chrono_literals;
using hwacme::test::Process;
using hwacme::test::ProcessOptions;
using hwacme::test::run_command;

namespace {

bool pid_exists(pid_t pid) {
    return ::kill(pid, 0) == 0 || errno != ESRCH;
}

}  // namespace

TEST_CASE("run_command captures the stdout of /bin/echo", "[unit]") {
    auto result = run_command({"/bin/echo", "hello", "world"});
    CHECK(result.exit_code == 0);
    CHECK(result.stdout_text == "hello world\n");
    CHECK(result.stderr_text.empty());
    CHECK_FALSE(result.timed_out);
}

TEST_CASE("run_command reports the exit code of /bin/false", "[unit]") {
    CHECK(run_command({"/bin/false"}).exit_code == 1);
}

TEST_CASE("run_command finds a program in PATH and passes extra environment", "[unit]") {
    auto result = run_command({"env"}, {"HWACME_PROCESS_TEST=42", "HOME=/nowhere"});
    CHECK(result.exit_code == 0);
    // A leading newline makes every variable start a line, "\nHOME=" matches only HOME itself.
    auto lines = "\n" + result.stdout_text;
    CHECK_THAT(lines, Catch::Contains("\nHWACME_PROCESS_TEST=42\n"));
    CHECK_THAT(lines, Catch::Contains("\nHOME=/nowhere\n"));
    CHECK(lines.find("\nHOME=") == lines.rfind("\nHOME="));
}

TEST_CASE("run_command kills a command that runs past its timeout", "[unit]") {
    auto started = std::chrono::steady_clock::now();
    auto result = run_command({"sleep", "30"}, {}, 200ms);
    auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(result.timed_out);
    CHECK(result.exit_code == 128 + SIGTERM);
    CHECK(elapsed < 5s);
}

TEST_CASE("run_command drains megabytes on stdout and stderr without deadlock", "[unit]") {
    auto result = run_command(
        {"/bin/sh", "-c", "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2; exit 3"});
    CHECK(result.exit_code == 3);
    CHECK(result.stdout_text.size() == 3000000);
    CHECK(result.stderr_text.size() == 2000000);
}

TEST_CASE("run_command does not wait for a background grandchild holding its pipes", "[unit]") {
    auto started = std::chrono::steady_clock::now();
    auto result = run_command({"/bin/sh", "-c", "echo early; sleep 3 & exit 0"}, {}, 10s);
    CHECK(result.exit_code == 0);
    CHECK(result.stdout_text == "early\n");
    CHECK(std::chrono::steady_clock::now() - started < 2s);
}

TEST_CASE("a program that does not exist throws NotFound", "[unit]") {
    try {
        run_command({"hwacme-no-such-program"});
        FAIL("no exception");
    } catch (const hwacme::Error& e) {
        CHECK(e.code() == hwacme::Errc::NotFound);
    }
    try {
        run_command({"/nonexistent/program"});
        FAIL("no exception");
    } catch (const hwacme::Error& e) {
        CHECK(e.code() == hwacme::Errc::NotFound);
    }
}

TEST_CASE("Process destructor stops and reaps a running child", "[unit]") {
    pid_t pid = -1;
    {
        Process sleeper({"sleep", "30"});
        pid = sleeper.pid();
        CHECK(pid_exists(pid));
        CHECK_FALSE(sleeper.wait_for_exit(50ms).has_value());
    }
    CHECK_FALSE(pid_exists(pid));
}

TEST_CASE("Process writes stdout to a file and reads EOF after close_stdin", "[unit]") {
    auto output = std::filesystem::temp_directory_path() /
                  ("hwacme-process-test-" + std::to_string(::getpid()) + ".txt");
    ProcessOptions options;
    options.stdin_pipe = true;
    options.stdout_path = output;
    Process cat_then_echo({"/bin/sh", "-c", "cat; echo done"}, options);
    CHECK_FALSE(cat_then_echo.wait_for_exit(100ms).has_value());
    cat_then_echo.close_stdin();
    CHECK(cat_then_echo.wait_for_exit(5s) == 0);
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "done\n");
    std::filesystem::remove(output);
}

TEST_CASE("Process::terminate reports the signal that ended the child", "[unit]") {
    Process sleeper({"sleep", "30"});
    CHECK(sleeper.terminate() == 128 + SIGTERM);
    CHECK(sleeper.wait_for_exit(0ms) == 128 + SIGTERM);
}
