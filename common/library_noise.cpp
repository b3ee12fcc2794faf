#include "common/library_noise.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "common/log.h"

namespace hwacme {
namespace {

bool verbose() {
    return log::level() == log::Level::Debug;
}

}  // namespace

void quiet_tss_logs() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (!verbose()) ::setenv("TSS2_LOG", "all+NONE", 0);
    });
}

QuietStderr::QuietStderr() {
    if (verbose()) return;
    std::fflush(stderr);
    int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) return;
    saved_ = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    if (saved_ >= 0 && ::dup2(null, STDERR_FILENO) < 0) {
        ::close(saved_);
        saved_ = -1;
    }
    ::close(null);
}

QuietStderr::~QuietStderr() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
}

}  // namespace hwacme
