#pragma once

// Helpers shared by the TPM tests: a scratch folder, key URIs, and what the TPM holds loaded.

#include <tss2/tss2_esys.h>

#include <cstdint>
#include <string>
#include <vector>

#include "keystore/key_uri.h"
#include "keystore/keystore.h"
#include "tests/support/temp_dir.h"
#include "tests/tpm/swtpm_fixture.h"
#include "tpm/esys_context.h"

namespace hwacme::tpm::testing {

// The TPM tests name their scratch folder as the other tests do.
using hwacme::test::TempDir;

inline keystore::KeyUri file_uri(const std::string& path, const std::string& query = "") {
    return keystore::KeyUri::parse("tpm2:path=" + path + query);
}

inline keystore::KeyUri handle_uri(std::uint32_t handle, const std::string& query = "") {
    char text[11];
    std::snprintf(text, sizeof text, "0x%08x", handle);
    return keystore::KeyUri::parse(std::string("tpm2:handle=") + text + query);
}

inline keystore::KeystoreOptions options_for(const test::SwtpmFixture& tpm,
                                             bool allow_extractable = false) {
    keystore::KeystoreOptions options;
    options.tcti = tpm.tcti();
    options.allow_extractable = allow_extractable;
    return options;
}

/// The handles the TPM reports from `first` on in its range: transient objects (0x80000000),
/// loaded sessions (0x02000000), persistent objects (0x81000000). Asked over a connection of its
/// own, which opens no object.
inline std::vector<std::uint32_t> tpm_handles(const std::string& tcti, std::uint32_t first) {
    EsysContext esys(tcti);
    TPMI_YES_NO more = TPM2_NO;
    TPMS_CAPABILITY_DATA* raw = nullptr;
    TSS2_RC rc = Esys_GetCapability(esys.get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                    TPM2_CAP_HANDLES, first, TPM2_MAX_CAP_HANDLES, &more, &raw);
    EsysPtr<TPMS_CAPABILITY_DATA> data(raw);
    check_tss("Esys_GetCapability", rc);
    std::vector<std::uint32_t> handles;
    for (UINT32 i = 0; i < data->data.handles.count; ++i) {
        std::uint32_t h = data->data.handles.handle[i];
        // Loaded sessions are HMAC (0x02…) or policy (0x03…) sessions.
        bool session = (first >> 24) == 0x02 && (h >> 24) == 0x03;
        if ((h >> 24) == (first >> 24) || session) handles.push_back(h);
    }
    return handles;
}

/// True when no transient object and no session is loaded in the TPM: nothing leaked.
inline bool nothing_loaded(const std::string& tcti) {
    return tpm_handles(tcti, TPM2_TRANSIENT_FIRST).empty() &&
           tpm_handles(tcti, TPM2_LOADED_SESSION_FIRST).empty();
}

}  // namespace hwacme::tpm::testing
