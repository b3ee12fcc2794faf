#include "tpm/tpm_parent.h"

#include <tss2/tss2_esys.h>

#include "common/error.h"
#include "tpm/tpm_location.h"

namespace hwacme::tpm {
namespace {

// The ECC P-256 storage key template of the TCG Provisioning Guidance (§7.5.1) — with one
// difference: the unique field is left empty where the guidance fills x and y with 32 zero
// bytes. tpm2-openssl 1.1.1 creates its default parent with an empty unique (measured: a key it
// writes fails TPM2_Load with TPM_RC_INTEGRITY under the zero-filled primary), and whoever loads a
// key file naming the owner hierarchy must regenerate this very primary. A persistent SRK made by
// the guidance template, when provisioned at 0x81000001, is used instead and named in the file.
// noDA: the parent has no auth value to guess.
TPM2B_PUBLIC srk_template() {
    TPM2B_PUBLIC pub{};
    TPMT_PUBLIC& area = pub.publicArea;
    area.type = TPM2_ALG_ECC;
    area.nameAlg = TPM2_ALG_SHA256;
    area.objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                            TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH |
                            TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT;
    TPMS_ECC_PARMS& ecc = area.parameters.eccDetail;
    ecc.symmetric.algorithm = TPM2_ALG_AES;
    ecc.symmetric.keyBits.aes = 128;
    ecc.symmetric.mode.aes = TPM2_ALG_CFB;
    ecc.scheme.scheme = TPM2_ALG_NULL;
    ecc.curveID = TPM2_ECC_NIST_P256;
    ecc.kdf.scheme = TPM2_ALG_NULL;
    return pub;
}

}  // namespace

std::optional<TrHandle> open_persistent(TpmConnection& tpm, std::uint32_t handle) {
    // Asked first with TPM2_GetCapability (Part 3 §30.2): an absent handle is an answer here,
    // not an error for ESAPI to log.
    TPMI_YES_NO more = TPM2_NO;
    TPMS_CAPABILITY_DATA* raw = nullptr;
    TSS2_RC rc = Esys_GetCapability(tpm.get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                    TPM2_CAP_HANDLES, handle, 1, &more, &raw);
    EsysPtr<TPMS_CAPABILITY_DATA> data(raw);
    check_tss("Esys_GetCapability", rc, "cannot list the TPM's persistent handles");
    if (data->data.handles.count == 0 || data->data.handles.handle[0] != handle)
        return std::nullopt;
    ESYS_TR tr = ESYS_TR_NONE;
    rc = tpm.with_room([&] {
        return Esys_TR_FromTPMPublic(tpm.get(), handle, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                     &tr);
    });
    if (tpm_rc_base(rc) == TPM2_RC_HANDLE) return std::nullopt;
    check_tss("Esys_TR_FromTPMPublic", rc, "cannot read the TPM object at " + hex32(handle));
    return TrHandle(tpm.get(), tr, TrHandle::Release::Keep);
}

StorageParent StorageParent::open(TpmConnection& tpm, std::uint32_t parent) {
    if (parent == kOwnerHierarchy) return create_primary(tpm);
    if ((parent >> 24) != TPM2_HT_PERSISTENT)
        throw Error(Errc::Unsupported, "the key's parent " + hex32(parent) +
                                           " is neither the owner hierarchy nor a persistent key");
    std::optional<TrHandle> tr = open_persistent(tpm, parent);
    if (!tr)
        throw Error(Errc::InvalidArgument, "the key's parent, the persistent key " + hex32(parent) +
                                               ", is not in this TPM: the key was made elsewhere");
    return StorageParent(std::move(*tr), parent);
}

StorageParent StorageParent::open_default(TpmConnection& tpm) {
    if (std::optional<TrHandle> srk = open_persistent(tpm, kSrkHandle))
        return StorageParent(std::move(*srk), kSrkHandle);
    return create_primary(tpm);
}

StorageParent StorageParent::create_primary(TpmConnection& tpm) {
    // Part 3 §24.1: the same template under the same seed gives the same key every time, so the
    // primary need not be kept; the owner hierarchy's auth value is assumed empty.
    TPM2B_PUBLIC in_public = srk_template();
    TPM2B_SENSITIVE_CREATE in_sensitive{};
    TPM2B_DATA outside_info{};
    TPML_PCR_SELECTION creation_pcr{};
    ESYS_TR tr = ESYS_TR_NONE;
    TSS2_RC rc = tpm.with_room([&] {
        return Esys_CreatePrimary(tpm.get(), ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                  ESYS_TR_NONE, &in_sensitive, &in_public, &outside_info,
                                  &creation_pcr, &tr, nullptr, nullptr, nullptr, nullptr);
    });
    check_tss("Esys_CreatePrimary", rc, "cannot create the storage primary key");
    return StorageParent(TrHandle(tpm.get(), tr, TrHandle::Release::Flush), kOwnerHierarchy);
}

}  // namespace hwacme::tpm
