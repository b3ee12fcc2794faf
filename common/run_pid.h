#pragma once

#include <sys/types.h>

namespace hwacme {

/// The pid the operator knows this run by, for messages and the state lock: the key custody
/// process's in a network process (the one the operator started), else this process's own.
pid_t run_pid();

/// Called once in a network process, right after the fork: `pid` is custody's.
void set_run_pid(pid_t pid);

}  // namespace hwacme
