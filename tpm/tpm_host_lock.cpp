#include "tpm/tpm_host_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include "common/directories.h"
#include "common/error.h"

namespace hwacme::tpm {
namespace {

using namespace std::chrono_literals;

// An exclusive holder only lists and flushes a handful of handles: well under a second.
constexpr auto kShareWait = 10s;
constexpr auto kShareRetry = 50ms;

}  // namespace

TpmHostLock::TpmHostLock(const std::filesystem::path& file) : file_(file) {
    // The state folder, as hwacme makes it everywhere: 0700 whatever the umask. Its parents
    // (~/.local/state) may be missing on a user's first run.
    create_directories_with_mode(file.parent_path(), 0700);
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw Error(Errc::Io,
                    "cannot open the TPM lock " + file.string() + ": " + std::strerror(errno));
}

TpmHostLock::TpmHostLock(TpmHostLock&& other) noexcept
    : file_(std::move(other.file_)), fd_(std::exchange(other.fd_, -1)) {}

TpmHostLock& TpmHostLock::operator=(TpmHostLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        file_ = std::move(other.file_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

TpmHostLock::~TpmHostLock() {
    if (fd_ >= 0) ::close(fd_);
}

bool TpmHostLock::try_exclusive() {
    return ::flock(fd_, LOCK_EX | LOCK_NB) == 0;
}

void TpmHostLock::share() {
    auto deadline = std::chrono::steady_clock::now() + kShareWait;
    while (::flock(fd_, LOCK_SH | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            throw Error(Errc::Io,
                        "cannot lock the TPM lock " + file_.string() + ": " + std::strerror(errno));
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(Errc::DeviceFailure, "another hwacme run has held the TPM lock " +
                                                 file_.string() +
                                                 " exclusively for more than 10 s");
        std::this_thread::sleep_for(kShareRetry);
    }
}

}  // namespace hwacme::tpm
