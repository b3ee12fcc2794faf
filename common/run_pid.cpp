#include "common/run_pid.h"

#include <unistd.h>

namespace hwacme {
namespace {

pid_t custody_pid = 0;

}  // namespace

pid_t run_pid() {
    return custody_pid > 0 ? custody_pid : ::getpid();
}

void set_run_pid(pid_t pid) {
    custody_pid = pid;
}

}  // namespace hwacme
