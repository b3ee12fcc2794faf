#include "tpm/leftover_handles.h"

#include <tss2/tss2_esys.h>

#include <algorithm>

#include "tpm/esys_context.h"

namespace hwacme::tpm {
namespace {

// A TPM holds a few of each (the PC Client profile asks for 3 objects and 64 sessions); the
// bound keeps a misbehaving TPM from listing for ever.
constexpr int kMaxPages = 64;

/// The handles TPM2_CAP_HANDLES lists from `first`, while they are of a type `wanted` accepts.
template <class Wanted>
void list_range(ESYS_CONTEXT* esys, std::uint32_t first, Wanted wanted,
                std::vector<std::uint32_t>& out) {
    std::uint32_t next = first;
    for (int page = 0; page < kMaxPages; ++page) {
        TPMI_YES_NO more = TPM2_NO;
        TPMS_CAPABILITY_DATA* raw = nullptr;
        TSS2_RC rc = Esys_GetCapability(esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                        TPM2_CAP_HANDLES, next, TPM2_MAX_CAP_HANDLES, &more, &raw);
        EsysPtr<TPMS_CAPABILITY_DATA> data(raw);
        check_tss("Esys_GetCapability", rc, "cannot list the TPM's loaded objects and sessions");
        const TPML_HANDLE& handles = data->data.handles;
        for (UINT32 i = 0; i < handles.count && i < TPM2_MAX_CAP_HANDLES; ++i) {
            if (!wanted(handles.handle[i] >> TPM2_HR_SHIFT)) return;
            if (std::find(out.begin(), out.end(), handles.handle[i]) == out.end())
                out.push_back(handles.handle[i]);
            next = handles.handle[i] + 1;
        }
        if (more != TPM2_YES || handles.count == 0) return;
    }
}

std::string counted(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string OccupiedHandles::text() const {
    return counted(objects.size(), "transient object", "transient objects") + " and " +
           counted(sessions.size(), "session", "sessions");
}

OccupiedHandles occupied_handles(ESYS_CONTEXT* esys) {
    OccupiedHandles out;
    list_range(
        esys, TPM2_TRANSIENT_FIRST, [](std::uint32_t type) { return type == TPM2_HT_TRANSIENT; },
        out.objects);
    // Part 2 §7.3: saved ("active") sessions are listed from 0x03000000 but under their
    // 0x02/0x03 session handles, like loaded ones.
    auto session = [](std::uint32_t type) {
        return type == TPM2_HT_HMAC_SESSION || type == TPM2_HT_POLICY_SESSION;
    };
    list_range(esys, TPM2_LOADED_SESSION_FIRST, session, out.sessions);
    list_range(esys, TPM2_ACTIVE_SESSION_FIRST, session, out.sessions);
    return out;
}

OccupiedHandles flush_handles(ESYS_CONTEXT* esys, const OccupiedHandles& handles) {
    OccupiedHandles flushed;
    auto flush = [&](std::uint32_t handle, std::vector<std::uint32_t>& done) {
        ESYS_TR tr = ESYS_TR_NONE;
        if (Esys_TR_FromTPMPublic(esys, handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &tr) !=
            TSS2_RC_SUCCESS)
            return;
        // On success ESAPI drops its record of the handle itself; on failure it is ours to drop.
        if (Esys_FlushContext(esys, tr) == TSS2_RC_SUCCESS)
            done.push_back(handle);
        else
            Esys_TR_Close(esys, &tr);
    };
    for (auto handle : handles.objects) flush(handle, flushed.objects);
    for (auto handle : handles.sessions) flush(handle, flushed.sessions);
    return flushed;
}

}  // namespace hwacme::tpm
