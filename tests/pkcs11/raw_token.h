#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"

namespace hwacme::test {

/// Direct PKCS#11 access for tests, independent of the backend under test: its own dlopen, its
/// own session, its own C_* calls, so what it reads back is the token's word, not the backend's.
///
/// Open it while a keystore on the same module is open: both share the module's one
/// initialisation (C_Initialize answers CKR_CRYPTOKI_ALREADY_INITIALIZED here), and the login
/// state, which PKCS#11 keeps per process and token.
class RawToken {
public:
    RawToken(const std::string& module_path, const std::string& token_label,
             const std::string& pin);
    ~RawToken();
    RawToken(const RawToken&) = delete;
    RawToken& operator=(const RawToken&) = delete;

    /// The one object of class `object_class` (CKO_*) with this label; nullopt when none.
    std::optional<unsigned long> find(unsigned long object_class, const std::string& label);
    /// C_GetAttributeValue for one attribute: its CK_RV, and the value when CKR_OK.
    unsigned long get(unsigned long object, unsigned long type, Bytes* value = nullptr);
    /// A CK_BBOOL attribute (fails the test when the token does not give it).
    bool flag(unsigned long object, unsigned long type);
    /// An EC P-256 pair with CKA_EXTRACTABLE TRUE, as a careless provisioning tool makes it.
    void generate_extractable_ec(const std::string& label, const Bytes& id);
    /// A non-extractable EC P-256 pair as other tools make them: both halves labelled `label`,
    /// with CKA_ID `id`, or with no CKA_ID at all when nullopt; with CKA_ALWAYS_AUTHENTICATE
    /// when `pin_per_signature`, as PIV cards make signing keys.
    void generate_ec(const std::string& label, const std::optional<Bytes>& id,
                     bool pin_per_signature = false);
    /// A certificate object holding `der` (whose subject is `subject`, DER), labelled `label`,
    /// with CKA_ID `id`.
    void create_certificate(const std::string& label, const Bytes& id, const Bytes& subject,
                            const Bytes& der);
    void destroy(unsigned long object);
    /// The token's CK_TOKEN_INFO flags.
    unsigned long token_flags();

private:
    void* library_ = nullptr;
    const void* functions_ = nullptr;
    unsigned long slot_ = 0;
    unsigned long session_ = 0;
    bool initialised_here_ = false;
};

}  // namespace hwacme::test
