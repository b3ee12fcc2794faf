#pragma once

#include <cstdint>
#include <optional>

#include "tpm/tpm_connection.h"

namespace hwacme::tpm {

/// TPM2_RH_OWNER: the parent a key file names when its parent is the primary made from the SRK
/// template rather than a persistent key.
inline constexpr std::uint32_t kOwnerHierarchy = 0x40000001;
/// Where the TCG Provisioning Guidance (§7.5.1) puts the storage root key.
inline constexpr std::uint32_t kSrkHandle = 0x81000001;

/// An ESYS_TR for the persistent object at `handle`; nullopt when the handle holds nothing.
std::optional<TrHandle> open_persistent(TpmConnection& tpm, std::uint32_t handle);

/// The storage key new keys are created under and file keys are loaded under. A primary made here
/// is flushed when this object dies — right after TPM2_Create or TPM2_Load, so that it never
/// holds a slot of a TPM without a resource manager. Move-only.
class StorageParent {
public:
    /// The parent a key file names: kOwnerHierarchy → a primary from the SRK template; a
    /// persistent handle → that key (Error{InvalidArgument} when this TPM lacks it).
    static StorageParent open(TpmConnection& tpm, std::uint32_t parent);
    /// For a new key: the persistent SRK at kSrkHandle when present, else a primary from the SRK
    /// template under the owner hierarchy.
    static StorageParent open_default(TpmConnection& tpm);

    EsysTr tr() const noexcept { return tr_.get(); }
    /// What a key file records as its parent: kOwnerHierarchy or the persistent handle.
    std::uint32_t handle() const noexcept { return handle_; }

private:
    StorageParent(TrHandle tr, std::uint32_t handle) : tr_(std::move(tr)), handle_(handle) {}
    static StorageParent create_primary(TpmConnection& tpm);

    TrHandle tr_;
    std::uint32_t handle_;
};

}  // namespace hwacme::tpm
