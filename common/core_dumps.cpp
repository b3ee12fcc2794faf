#include "common/core_dumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

namespace hwacme {

std::string forbid_core_dumps() noexcept {
    try {
        rlimit none{0, 0};
        if (::setrlimit(RLIMIT_CORE, &none) != 0)
            return std::string("setrlimit(RLIMIT_CORE): ") + std::strerror(errno);
        if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
            return std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno);
        return {};
    } catch (...) {
        return "out of memory";
    }
}

}  // namespace hwacme
