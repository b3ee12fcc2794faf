#pragma once

#include <filesystem>

#include "common/fd.h"

namespace hwacme::manage {

/// An exclusive flock(2) on <state>/lock, held for this object's life: two hwacme processes
/// never work on one state folder at once. The kernel drops the lock when the process dies, so
/// a killed run never leaves a stale lock behind.
class StateLock {
public:
    /// Takes the lock, creating the state folder (mode 0700) and the lock file if missing.
    /// Does not wait: Error{AlreadyExists} "another hwacme (pid N) is working on <state>" when
    /// another process holds it (the holder's pid is written into the lock file).
    explicit StateLock(const std::filesystem::path& state_dir);

private:
    Fd fd_;
};

}  // namespace hwacme::manage
