#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

// The TSS types by their struct tags, so that TSS headers stay in .cpp files.
struct ESYS_CONTEXT;
struct TSS2_TCTI_OPAQUE_CONTEXT_BLOB;

namespace hwacme::tpm {

using EsysTr = std::uint32_t;  ///< ESYS_TR: ESAPI's name for an object or session it tracks
using TssRc = std::uint32_t;   ///< TSS2_RC

/// Throws the Error a failed TSS call means, its message naming the call and the decoded code
/// ("Esys_Sign: tpm:parameter(1):…"), prefixed by `context` when given. AUTH_FAIL, BAD_AUTH and
/// LOCKOUT give AuthFailed, HANDLE gives NotFound, NV_DEFINED gives AlreadyExists; every other
/// code gives DeviceFailure.
[[noreturn]] void throw_tss(std::string_view call, TssRc rc, std::string_view context = {});

/// Throws through throw_tss() when `rc` is not success.
inline void check_tss(std::string_view call, TssRc rc, std::string_view context = {}) {
    if (rc != 0) throw_tss(call, rc, context);
}

/// A TPM response code with the layer and the handle/session/parameter number removed, for
/// comparing with TPM2_RC_* constants (TPM 2.0 Part 2 §6.6.3); 0 when the code is not the TPM's.
std::uint32_t tpm_rc_base(TssRc rc) noexcept;

/// Frees memory that ESAPI allocated for an output parameter.
struct EsysFree {
    void operator()(void* p) const noexcept;
};
template <class T>
using EsysPtr = std::unique_ptr<T, EsysFree>;

/// One connection to a TPM: the TCTI (loaded by name from the string given, never probed) and the
/// ESAPI context over it. Move-only; not thread-safe — one command at a time.
class EsysContext {
public:
    /// Connects and sends TPM2_Startup(CLEAR). Error{DeviceFailure} naming `tcti` when the TPM
    /// cannot be reached.
    explicit EsysContext(std::string tcti);
    EsysContext(EsysContext&& other) noexcept;
    EsysContext& operator=(EsysContext&& other) noexcept;
    EsysContext(const EsysContext&) = delete;
    EsysContext& operator=(const EsysContext&) = delete;
    ~EsysContext();

    ESYS_CONTEXT* get() const noexcept { return esys_; }
    const std::string& tcti() const noexcept { return tcti_; }

private:
    void reset() noexcept;

    std::string tcti_;
    TSS2_TCTI_OPAQUE_CONTEXT_BLOB* tcti_ctx_ = nullptr;
    ESYS_CONTEXT* esys_ = nullptr;
};

/// Owns one ESYS_TR. A transient object or a session is flushed from the TPM when released
/// (without a resource manager it would otherwise hold one of the TPM's few slots after we exit).
/// A persistent object's record is kept: ESAPI hands every Esys_TR_FromTPMPublic of one handle
/// the same ESYS_TR, so closing it for one user would pull it from under the others; the records
/// go with Esys_Finalize. Move-only; the context must outlive it.
class TrHandle {
public:
    enum class Release { Flush, Keep };

    TrHandle() = default;
    TrHandle(ESYS_CONTEXT* ctx, EsysTr tr, Release release) noexcept
        : ctx_(ctx), tr_(tr), release_(release) {}
    TrHandle(TrHandle&& other) noexcept;
    TrHandle& operator=(TrHandle&& other) noexcept;
    TrHandle(const TrHandle&) = delete;
    TrHandle& operator=(const TrHandle&) = delete;
    ~TrHandle() { reset(); }

    EsysTr get() const noexcept { return tr_; }
    explicit operator bool() const noexcept { return ctx_ != nullptr; }
    void reset() noexcept;

private:
    ESYS_CONTEXT* ctx_ = nullptr;
    EsysTr tr_ = 0;
    Release release_ = Release::Flush;
};

}  // namespace hwacme::tpm
