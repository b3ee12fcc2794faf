#include "tpm/tpm_connection.h"

#include <tss2/tss2_rc.h>

#include "common/error.h"
#include "common/log.h"
#include "tpm/leftover_handles.h"
#include "tpm/resource_manager.h"

namespace hwacme::tpm {

TpmConnection::TpmConnection(std::string tcti, const TpmSharing& sharing) : esys_(std::move(tcti)) {
    share_the_tpm(sharing);
}

void TpmConnection::share_the_tpm(const TpmSharing& sharing) {
    if (sharing.lock_file.empty() || resource_manager_of(tcti()) != ResourceManager::None) return;
    lock_.emplace(sharing.lock_file);
    // Flushing is only safe before this run has loaded anything and while no other hwacme run is
    // connected: then every object and session in the TPM belongs to a process that is gone (or
    // to another program, which the operator vouched there is none of by allowing the flush).
    if (sharing.flush_leftovers) {
        if (lock_->try_exclusive()) {
            OccupiedHandles left = occupied_handles(get());
            if (!left.empty())
                log::info("flushed " + flush_handles(get(), left).text() +
                          " that interrupted runs left in the TPM behind TCTI '" +
                          log::printable(tcti(), 200) + "' (no resource manager)");
        } else {
            log::debug("another hwacme run is connected to the TPM (lock " +
                       sharing.lock_file.string() + "): nothing is flushed");
        }
    }
    lock_->share();
}

void TpmConnection::throw_out_of_memory(TssRc rc) {
    bool sessions = tpm_rc_base(rc) == kSessionMemory;
    std::string tcti_text = log::printable(tcti(), 200);
    std::string what = "the TPM behind TCTI '" + tcti_text + "' is out of memory for " +
                       (sessions ? "sessions" : "objects") + " (" + Tss2_RC_Decode(rc) + ")";
    if (resource_manager_of(tcti()) != ResourceManager::None)
        throw Error(Errc::DeviceFailure, what);
    std::string held;
    try {
        held = " it holds " + occupied_handles(get()).text() + ", and";
    } catch (const Error&) {
        // The advice holds without the count.
    }
    // tpm2_flushcontext takes one of -t, -l, -s per call.
    std::string tools = "TPM2TOOLS_TCTI='" + tcti_text + "' tpm2_flushcontext";
    std::string remedy = sessions ? tools + " -l, then " + tools + " -s" : tools + " -t";
    throw Error(Errc::DeviceFailure,
                what + ":" + held +
                    " without a resource manager the objects and sessions of a process that was "
                    "interrupted (killed, crashed) stay loaded. Once no other program uses this "
                    "TPM, run: " +
                    remedy +
                    "; or let hwacme flush them when it starts with --tpm-flush-stale "
                    "(\"tpm_flush_stale\": true in the configuration); on a host with "
                    "/dev/tpmrm0, --tcti device:/dev/tpmrm0 avoids this");
}

}  // namespace hwacme::tpm
