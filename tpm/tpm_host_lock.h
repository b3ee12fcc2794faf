#pragma once

#include <filesystem>

namespace hwacme::tpm {

/// The advisory lock (flock) by which hwacme's runs on one host tell each other that they use a
/// TPM without a resource manager. Every run holds it shared while it is connected; a run that
/// wants to flush what interrupted runs left in the TPM must first get it exclusively, which it
/// only can while no other hwacme run is connected: it then flushes before it loads anything of
/// its own. The lock lives in the state folder, which only its owner can write, so another user
/// can neither place it nor hold it. Move-only; released (the descriptor closed) on destruction.
class TpmHostLock {
public:
    /// Opens `file` (created 0600; missing folders 0700; no link followed) without locking it.
    /// Error{Io} naming the file when it cannot be opened.
    explicit TpmHostLock(const std::filesystem::path& file);
    TpmHostLock(TpmHostLock&& other) noexcept;
    TpmHostLock& operator=(TpmHostLock&& other) noexcept;
    TpmHostLock(const TpmHostLock&) = delete;
    TpmHostLock& operator=(const TpmHostLock&) = delete;
    ~TpmHostLock();

    /// Takes the lock exclusively if no other run holds it; never waits.
    bool try_exclusive();
    /// Holds the lock shared (from unlocked or exclusive), waiting at most a few seconds for a
    /// run that holds it exclusively while it flushes. Error{DeviceFailure} naming the file when
    /// that run does not let go.
    void share();

private:
    std::filesystem::path file_;
    int fd_ = -1;
};

}  // namespace hwacme::tpm
