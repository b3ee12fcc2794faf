#include "agent/manage/state_lock.h"

#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "common/error.h"
#include "common/lock_file.h"
#include "common/run_pid.h"

namespace hwacme::manage {
namespace {

constexpr std::chrono::seconds kEndingRunWait{2};

std::filesystem::path lock_path(const std::filesystem::path& state_dir) {
    return state_dir / "lock";
}

// The pid the holder wrote, or "" while it has not written it yet (it truncates first).
std::string read_holder_pid(int fd) {
    char buffer[32] = {};
    ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    std::string text = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return "";
    return text;
}

void write_holder_pid(int fd, const std::filesystem::path& path) {
    std::string pid = std::to_string(run_pid()) + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
        throw Error(Errc::Io,
                    "cannot write the lock file " + path.string() + ": " + std::strerror(errno));
}

}  // namespace

StateLock::StateLock(const std::filesystem::path& state_dir)
    : fd_(open_lock_file(lock_path(state_dir), "the lock file")) {
    // A run whose key custody was just killed takes a moment to end its network process, which
    // holds the lock until then: a rerun started at once waits for it, briefly.
    auto deadline = std::chrono::steady_clock::now() + kEndingRunWait;
    int locked;
    while ((locked = ::flock(fd_.get(), LOCK_EX | LOCK_NB)) != 0 && errno == EWOULDBLOCK &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (locked == 0) {
        write_holder_pid(fd_.get(), lock_path(state_dir));
        return;
    }
    if (errno != EWOULDBLOCK)
        throw Error(Errc::Io,
                    "cannot lock " + lock_path(state_dir).string() + ": " + std::strerror(errno));
    std::string pid = read_holder_pid(fd_.get());
    throw Error(Errc::AlreadyExists, "another hwacme" + (pid.empty() ? "" : " (pid " + pid + ")") +
                                         " is working on " + state_dir.string() +
                                         "; try again when it has finished");
}

}  // namespace hwacme::manage
