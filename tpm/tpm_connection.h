#pragma once

#include <list>
#include <memory>
#include <string>

#include "tpm/esys_context.h"

struct TPMS_CONTEXT;

namespace hwacme::tpm {

class KeyObject;

/// The one TPM connection a keystore and its keys share. A TPM without a resource manager in
/// front (swtpm, /dev/tpm0) holds only a few transient objects — three in swtpm — so when a
/// command finds no room (TPM_RC_OBJECT_MEMORY) the connection parks the least recently used key
/// object (TPM2_ContextSave, then flush: Part 3 §28.2, §28.4) and retries; a parked key is
/// loaded back (TPM2_ContextLoad) before its next signature. Under /dev/tpmrm0 the kernel does
/// this itself and nothing is ever parked. Not thread-safe.
class TpmConnection {
public:
    explicit TpmConnection(std::string tcti) : esys_(std::move(tcti)) {}
    TpmConnection(const TpmConnection&) = delete;
    TpmConnection& operator=(const TpmConnection&) = delete;

    ESYS_CONTEXT* get() const noexcept { return esys_.get(); }
    const std::string& tcti() const noexcept { return esys_.tcti(); }

    /// Runs `command` (a TSS call returning its TSS2_RC) and, while the TPM is out of object
    /// memory, parks another key than `keep` and runs it again.
    template <class Command>
    TssRc with_room(Command&& command, const KeyObject* keep = nullptr) {
        for (;;) {
            TssRc rc = command();
            if (tpm_rc_base(rc) != kObjectMemory || !park_one(keep)) return rc;
        }
    }

private:
    friend class KeyObject;
    static constexpr std::uint32_t kObjectMemory = 0x902;  // TPM_RC_OBJECT_MEMORY, Part 2 §6.6.3

    bool park_one(const KeyObject* keep);

    EsysContext esys_;
    std::list<KeyObject*> loaded_;  // front: least recently used
};

}  // namespace hwacme::tpm
