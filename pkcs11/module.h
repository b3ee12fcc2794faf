#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "pkcs11/login_record.h"
#include "pkcs11/pkcs11_uri.h"

namespace hwacme::pkcs11 {

/// What a token says of itself (CK_TOKEN_INFO, blanks trimmed) and where it sits now.
struct TokenInfo {
    std::string label;
    std::string manufacturer;
    std::string model;
    std::string serial;
    unsigned long slot_id = 0;  ///< valid for this process only: slots renumber
    bool login_required = true;
    bool protected_auth_path = false;  ///< PIN pad: C_Login takes no PIN
    bool pin_locked = false;
    bool pin_final_try = false;  ///< one more wrong PIN locks it (CKF_USER_PIN_FINAL_TRY)
    bool write_protected = false;

    bool matches(const TokenSelector& selector) const;
};

/// A loaded PKCS#11 module: libp11's context and slot list (module loading, C_Initialize with
/// OS locking, slot and token enumeration), plus the module's own function list for the calls
/// libp11 0.4.12 does not offer (key generation with a full template, attribute reads, C_Sign
/// on our session, C_DestroyObject).
///
/// One Module per module path per process, shared by every Keystore on it: C_Finalize ends
/// every session and login of the process, so it runs only when the last user goes away.
/// Thread-safe: the slot list is guarded; the function list is used with CKF_OS_LOCKING_OK.
class Module {
public:
    /// Loads `path` or returns the Module already loaded from it. Error{NotFound} when the
    /// file does not exist, Error{DeviceFailure} when it does not load or initialise.
    static std::shared_ptr<Module> load(const std::string& path);

    ~Module();
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    const std::string& path() const { return path_; }

    /// The initialised tokens, as enumerated when the module was loaded: a token inserted while
    /// a Keystore holds the module is seen once every Keystore on it is closed.
    std::vector<TokenInfo> tokens();

    /// The token the selector names: Error{NotFound} naming the selector when none matches,
    /// Error{InvalidUri} asking for a more specific URI when several do.
    TokenInfo select(const TokenSelector& selector);

    /// The module's CK_FUNCTION_LIST*, typed void* to keep <pkcs11.h> out of headers; only
    /// session.cpp casts it back.
    const void* function_list() const { return functions_; }

    /// libp11's PKCS11_TOKEN* for a slot id (void* for the same reason), for the libp11 calls
    /// that need one; nullptr when the slot is gone.
    void* libp11_token(unsigned long slot_id);

    /// The PIN each token of this module was logged in with, for checking later URIs.
    LoginRecord& logins() { return logins_; }

private:
    struct Impl;
    explicit Module(std::string path);

    std::string path_;
    std::unique_ptr<Impl> impl_;
    const void* functions_ = nullptr;
    LoginRecord logins_;
    std::mutex mutex_;
};

}  // namespace hwacme::pkcs11
