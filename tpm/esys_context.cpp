#include "tpm/esys_context.h"

#include <tss2/tss2_esys.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include <cstdlib>
#include <mutex>
#include <type_traits>
#include <utility>

#include "common/error.h"
#include "common/library_noise.h"

namespace hwacme::tpm {

static_assert(std::is_same_v<EsysTr, ESYS_TR> && std::is_same_v<TssRc, TSS2_RC>);

std::uint32_t tpm_rc_base(TssRc rc) noexcept {
    TssRc layer = rc & TSS2_RC_LAYER_MASK;
    if (layer != TSS2_TPM_RC_LAYER && layer != TSS2_RESMGR_TPM_RC_LAYER) return 0;
    rc &= ~TSS2_RC_LAYER_MASK;
    // Format-one codes carry the number of the handle, session or parameter in bits 6-11
    // (Part 2 §6.6.3); format-zero codes are whole.
    return (rc & TPM2_RC_FMT1) ? (rc & (TPM2_RC_FMT1 | 0x3F)) : rc;
}

void throw_tss(std::string_view call, TssRc rc, std::string_view context) {
    Errc code = Errc::DeviceFailure;
    switch (tpm_rc_base(rc)) {
        case TPM2_RC_AUTH_FAIL:
        case TPM2_RC_BAD_AUTH:
        case TPM2_RC_LOCKOUT:
            code = Errc::AuthFailed;
            break;
        case TPM2_RC_HANDLE:
            code = Errc::NotFound;
            break;
        case TPM2_RC_NV_DEFINED:
            code = Errc::AlreadyExists;
            break;
        default:
            break;
    }
    std::string what = context.empty() ? std::string() : std::string(context) + ": ";
    what += std::string(call) + ": " + Tss2_RC_Decode(rc);
    throw Error(code, what);
}

void EsysFree::operator()(void* p) const noexcept {
    Esys_Free(p);
}

EsysContext::EsysContext(std::string tcti) : tcti_(std::move(tcti)) {
    quiet_tss_logs();
    std::string where = "cannot reach the TPM through TCTI '" + tcti_ + "'";
    // The string is always passed: with NULL the loader probes tabrmd, /dev/tpmrm0, /dev/tpm0,
    // swtpm and mssim in turn and could open another TPM than the one configured.
    TSS2_RC rc = Tss2_TctiLdr_Initialize(tcti_.c_str(), &tcti_ctx_);
    if (rc != TSS2_RC_SUCCESS) {
        tcti_ctx_ = nullptr;
        throw Error(Errc::DeviceFailure,
                    where + ": Tss2_TctiLdr_Initialize: " + Tss2_RC_Decode(rc));
    }
    rc = Esys_Initialize(&esys_, tcti_ctx_, nullptr);
    if (rc != TSS2_RC_SUCCESS) {
        esys_ = nullptr;
        reset();
        throw Error(Errc::DeviceFailure, where + ": Esys_Initialize: " + Tss2_RC_Decode(rc));
    }
    // Part 3 §9.3: a TPM that has already been started answers TPM_RC_INITIALIZE — not an error.
    rc = Esys_Startup(esys_, TPM2_SU_CLEAR);
    if (rc != TSS2_RC_SUCCESS && tpm_rc_base(rc) != TPM2_RC_INITIALIZE) {
        reset();
        throw Error(Errc::DeviceFailure, where + ": Esys_Startup: " + Tss2_RC_Decode(rc));
    }
}

EsysContext::EsysContext(EsysContext&& other) noexcept
    : tcti_(std::move(other.tcti_)),
      tcti_ctx_(std::exchange(other.tcti_ctx_, nullptr)),
      esys_(std::exchange(other.esys_, nullptr)) {}

EsysContext& EsysContext::operator=(EsysContext&& other) noexcept {
    if (this != &other) {
        reset();
        tcti_ = std::move(other.tcti_);
        tcti_ctx_ = std::exchange(other.tcti_ctx_, nullptr);
        esys_ = std::exchange(other.esys_, nullptr);
    }
    return *this;
}

EsysContext::~EsysContext() {
    reset();
}

void EsysContext::reset() noexcept {
    // ESAPI uses the TCTI until it is finalised: it goes first.
    if (esys_) Esys_Finalize(&esys_);
    if (tcti_ctx_) Tss2_TctiLdr_Finalize(&tcti_ctx_);
    esys_ = nullptr;
    tcti_ctx_ = nullptr;
}

TrHandle::TrHandle(TrHandle&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), tr_(other.tr_), release_(other.release_) {}

TrHandle& TrHandle::operator=(TrHandle&& other) noexcept {
    if (this != &other) {
        reset();
        ctx_ = std::exchange(other.ctx_, nullptr);
        tr_ = other.tr_;
        release_ = other.release_;
    }
    return *this;
}

void TrHandle::reset() noexcept {
    // A destructor cannot report: a failed flush leaves the slot to the TPM's next reset.
    if (ctx_ && release_ == Release::Flush) Esys_FlushContext(ctx_, tr_);
    ctx_ = nullptr;
}

}  // namespace hwacme::tpm
