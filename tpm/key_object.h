#pragma once

#include <memory>

#include "tpm/esys_context.h"
#include "tpm/tpm_connection.h"
#include "tpm/tpm_location.h"

namespace hwacme::tpm {

/// A key in the TPM as a key uses it: a transient object its connection may park and that this
/// object loads back on use, or a persistent object, which is never parked. The transient object
/// (loaded or saved) is flushed in the destructor. Not copyable nor movable: the connection keeps
/// its address. Not thread-safe.
class KeyObject {
public:
    /// `object` is a transient object (Release::Flush) or a persistent one (Release::Keep);
    /// `auth` is set on it now and again after each reload.
    KeyObject(std::shared_ptr<TpmConnection> tpm, TrHandle object, AuthValue auth);
    KeyObject(const KeyObject&) = delete;
    KeyObject& operator=(const KeyObject&) = delete;
    ~KeyObject();

    /// The ESYS_TR to use now: reloads a parked object (making room if need be) and marks the
    /// object most recently used.
    EsysTr acquire();

    TpmConnection& tpm() const noexcept { return *tpm_; }

private:
    friend class TpmConnection;
    void park();
    void set_auth();

    std::shared_ptr<TpmConnection> tpm_;
    TrHandle object_;
    AuthValue auth_;
    bool transient_;
    std::unique_ptr<TPMS_CONTEXT, EsysFree> saved_;  // set while parked
};

}  // namespace hwacme::tpm
