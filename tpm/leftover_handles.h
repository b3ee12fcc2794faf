#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct ESYS_CONTEXT;

namespace hwacme::tpm {

/// The transient objects and the sessions (loaded or saved) a TPM holds, by TPM handle, as
/// TPM2_GetCapability(TPM2_CAP_HANDLES) lists them (TPM 2.0 Part 3 §30.2). Without a resource
/// manager this is the whole TPM's, every process's, not only this one's.
struct OccupiedHandles {
    std::vector<std::uint32_t> objects;
    std::vector<std::uint32_t> sessions;

    bool empty() const noexcept { return objects.empty() && sessions.empty(); }
    /// "3 transient objects and 1 session".
    std::string text() const;
};

/// Lists them. Error{DeviceFailure} naming the call when the TPM does not answer.
OccupiedHandles occupied_handles(ESYS_CONTEXT* esys);

/// TPM2_FlushContext (Part 3 §28.4) of each, as `tpm2_flushcontext -t -l -s` does; returns what
/// was flushed. A handle that is gone already (flushed meanwhile) is skipped.
OccupiedHandles flush_handles(ESYS_CONTEXT* esys, const OccupiedHandles& handles);

}  // namespace hwacme::tpm
