// Test-only, loaded into hwacme with LD_PRELOAD: stops the process (SIGSTOP) right after the call
// that HWACME_TEST_STOP_AFTER names, once, so that a test can act at an exact point of a real run
// and then let it go on with SIGCONT. No real program stops itself like this.
//   listen                after the first listen(2): the challenge server is up, has accepted
//                         nothing, and the CA has not been asked to validate yet
//   openat:NAME           after the first openat(2) of NAME, e.g. openat:acme-challenge
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <string>

namespace {

std::atomic<bool> stopped_once{false};

/// Keeps errno as the real call left it: the caller reads it next.
void stop_if_named(const char* prefix, const char* name) {
    int saved = errno;
    const char* wanted = std::getenv("HWACME_TEST_STOP_AFTER");
    if (wanted && std::string(prefix) + name == wanted && !stopped_once.exchange(true))
        ::raise(SIGSTOP);
    errno = saved;
}

template <class Function>
Function* next_definition(const char* name) {
    return reinterpret_cast<Function*>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" int listen(int fd, int backlog) {
    static auto* real = next_definition<int(int, int)>("listen");
    int result = real(fd, backlog);
    stop_if_named("listen", "");
    return result;
}

extern "C" int openat(int dirfd, const char* path, int flags, ...) {
    static auto* real = next_definition<int(int, const char*, int, ...)>("openat");
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list args;
        va_start(args, flags);
        mode = static_cast<mode_t>(va_arg(args, int));
        va_end(args);
    }
    int result = real(dirfd, path, flags, mode);
    if (path) stop_if_named("openat:", path);
    return result;
}
