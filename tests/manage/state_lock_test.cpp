#include "agent/manage/state_lock.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <optional>

#include "common/atomic_file.h"
#include "common/error.h"
#include "tests/cli/hwacme_runner.h"

using namespace hwacme;
using hwacme::manage::StateLock;
using hwacme::test::TempDir;

namespace {

// A child process that takes the lock and holds it until it is killed.
class LockHoldingChild {
public:
    explicit LockHoldingChild(const std::filesystem::path& state_dir) {
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            ::close(ready[0]);
            try {
                StateLock lock(state_dir);
                (void)!::write(ready[1], "L", 1);
                for (;;) ::pause();
            } catch (...) {
                ::_exit(1);
            }
        }
        ::close(ready[1]);
        char byte = 0;
        locked_ = ::read(ready[0], &byte, 1) == 1;
        ::close(ready[0]);
    }
    ~LockHoldingChild() { kill(); }
    bool locked() const { return locked_; }
    pid_t pid() const { return pid_; }
    void kill() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }

private:
    pid_t pid_ = -1;
    bool locked_ = false;
};

}  // namespace

TEST_CASE("a state folder locked by another process is refused naming that process", "[unit]") {
    TempDir tmp("hwacme-lock");
    auto state = tmp / "state";
    LockHoldingChild holder(state);
    REQUIRE(holder.locked());
    try {
        StateLock lock(state);
        FAIL("the lock was taken twice");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::AlreadyExists);
        CHECK(std::string(e.what()) == "another hwacme (pid " + std::to_string(holder.pid()) +
                                           ") is working on " + state.string() +
                                           "; try again when it has finished");
    }
    // The kernel drops a killed holder's lock: no stale lock to clean up by hand.
    holder.kill();
    StateLock lock(state);
    CHECK(read_file(state / "lock") == std::to_string(::getpid()) + "\n");
}

TEST_CASE("a second lock in the same process is refused until the first is released", "[unit]") {
    TempDir tmp("hwacme-lock");
    auto state = tmp / "state";
    std::optional<StateLock> first(std::in_place, state);
    CHECK_THROWS_AS(StateLock(state), Error);
    first.reset();
    CHECK_NOTHROW(StateLock(state));
}

TEST_CASE("the state lock creates a missing state folder private to its owner", "[unit]") {
    TempDir tmp("hwacme-lock");
    auto state = tmp / "var" / "lib" / "hwacme";
    StateLock lock(state);
    struct stat st {};
    REQUIRE(::stat(state.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(::stat((tmp / "var").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0700);
    REQUIRE(::stat((state / "lock").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
}
