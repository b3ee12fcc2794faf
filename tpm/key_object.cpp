#include "tpm/key_object.h"

#include <tss2/tss2_esys.h>

#include <algorithm>

#include <openssl/crypto.h>

#include "common/error.h"

namespace hwacme::tpm {

bool TpmConnection::park_one(const KeyObject* keep) {
    auto victim = std::find_if(loaded_.begin(), loaded_.end(),
                               [&](const KeyObject* object) { return object != keep; });
    if (victim == loaded_.end()) return false;
    (*victim)->park();
    return true;
}

KeyObject::KeyObject(std::shared_ptr<TpmConnection> tpm, TrHandle object, AuthValue auth)
    : tpm_(std::move(tpm)), object_(std::move(object)), auth_(std::move(auth)) {
    TPM2_HANDLE handle = 0;
    check_tss("Esys_TR_GetTpmHandle", Esys_TR_GetTpmHandle(tpm_->get(), object_.get(), &handle));
    transient_ = (handle >> TPM2_HR_SHIFT) == TPM2_HT_TRANSIENT;
    set_auth();
    if (transient_) tpm_->loaded_.push_back(this);
}

KeyObject::~KeyObject() {
    // A parked object is only a saved context: object_ is empty and nothing is left to flush.
    if (transient_) tpm_->loaded_.remove(this);
}

EsysTr KeyObject::acquire() {
    if (!transient_) return object_.get();
    if (saved_) {
        ESYS_TR tr = ESYS_TR_NONE;
        TSS2_RC rc =
            tpm_->with_room([&] { return Esys_ContextLoad(tpm_->get(), saved_.get(), &tr); }, this);
        check_tss("Esys_ContextLoad", rc, "cannot load a parked TPM key back");
        object_ = TrHandle(tpm_->get(), tr, TrHandle::Release::Flush);
        saved_.reset();
        set_auth();
    }
    tpm_->loaded_.remove(this);
    tpm_->loaded_.push_back(this);
    return object_.get();
}

void KeyObject::park() {
    TPMS_CONTEXT* context = nullptr;
    TSS2_RC rc = Esys_ContextSave(tpm_->get(), object_.get(), &context);
    check_tss("Esys_ContextSave", rc, "cannot park a TPM key to make room");
    saved_.reset(context);
    // Part 3 §28.2.1: saving an object's context leaves it loaded; the flush frees its slot.
    object_.reset();
    tpm_->loaded_.remove(this);
}

void KeyObject::set_auth() {
    if (auth_.empty()) return;
    TPM2B_AUTH value{};
    value.size = static_cast<UINT16>(auth_.bytes().size());
    std::copy(auth_.bytes().begin(), auth_.bytes().end(), value.buffer);
    TSS2_RC rc = Esys_TR_SetAuth(tpm_->get(), object_.get(), &value);
    OPENSSL_cleanse(&value, sizeof value);
    check_tss("Esys_TR_SetAuth", rc);
}

}  // namespace hwacme::tpm
