#pragma once

#include <filesystem>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "tpm/esys_context.h"
#include "tpm/tpm_host_lock.h"

struct TPMS_CONTEXT;

namespace hwacme::tpm {

class KeyObject;

/// How a connection shares a TPM without a resource manager with hwacme's other runs.
struct TpmSharing {
    /// The host's TPM lock (tpm_host_lock.h), held shared while connected; empty: no lock is
    /// taken and nothing is ever flushed.
    std::filesystem::path lock_file;
    /// The operator allows flushing, right after connecting and while no other hwacme run is
    /// connected, every transient object and session the TPM holds: what interrupted runs left.
    /// Only safe where no other program uses this TPM without a resource manager.
    bool flush_leftovers = false;
};

/// The one TPM connection a keystore and its keys share. A TPM without a resource manager in
/// front (swtpm, /dev/tpm0) holds only a few transient objects — three in swtpm — so when a
/// command finds no room (TPM_RC_OBJECT_MEMORY) the connection parks the least recently used key
/// object (TPM2_ContextSave, then flush: Part 3 §28.2, §28.4) and retries; a parked key is
/// loaded back (TPM2_ContextLoad) before its next signature. Under /dev/tpmrm0 the kernel does
/// this itself and nothing is ever parked. When the TPM is full of what other processes left
/// and nothing of ours can be parked, the error says so and how to clear it. Not thread-safe.
class TpmConnection {
public:
    /// Connects; without a resource manager, takes the host's TPM lock and flushes what
    /// interrupted runs left when `sharing` allows it (one line on stderr says what).
    explicit TpmConnection(std::string tcti, const TpmSharing& sharing = {});
    TpmConnection(const TpmConnection&) = delete;
    TpmConnection& operator=(const TpmConnection&) = delete;

    ESYS_CONTEXT* get() const noexcept { return esys_.get(); }
    const std::string& tcti() const noexcept { return esys_.tcti(); }

    /// Runs `command` (a TSS call returning its TSS2_RC) and, while the TPM is out of object
    /// memory, parks another key than `keep` and runs it again. Error{DeviceFailure} saying what
    /// fills the TPM and how to clear it when it is out of object or session memory and nothing
    /// is left to park.
    template <class Command>
    TssRc with_room(Command&& command, const KeyObject* keep = nullptr) {
        for (;;) {
            TssRc rc = command();
            std::uint32_t base = tpm_rc_base(rc);
            if (base == kObjectMemory && park_one(keep)) continue;
            if (base == kObjectMemory || base == kSessionMemory) throw_out_of_memory(rc);
            return rc;
        }
    }

private:
    friend class KeyObject;
    static constexpr std::uint32_t kObjectMemory = 0x902;   // TPM_RC_OBJECT_MEMORY, Part 2 §6.6.3
    static constexpr std::uint32_t kSessionMemory = 0x903;  // TPM_RC_SESSION_MEMORY

    bool park_one(const KeyObject* keep);
    void share_the_tpm(const TpmSharing& sharing);
    [[noreturn]] void throw_out_of_memory(TssRc rc);

    EsysContext esys_;
    std::optional<TpmHostLock> lock_;
    std::list<KeyObject*> loaded_;  // front: least recently used
};

}  // namespace hwacme::tpm
