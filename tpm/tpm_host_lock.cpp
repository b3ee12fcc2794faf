#include "tpm/tpm_host_lock.h"

#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include "common/error.h"
#include "common/lock_file.h"

namespace hwacme::tpm {
namespace {

using namespace std::chrono_literals;

// An exclusive holder only lists and flushes a handful of handles: well under a second.
constexpr auto kShareWait = 10s;
constexpr auto kShareRetry = 50ms;

}  // namespace

TpmHostLock::TpmHostLock(const std::filesystem::path& file)
    : file_(file), fd_(open_lock_file(file, "the TPM lock").release()) {}

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
