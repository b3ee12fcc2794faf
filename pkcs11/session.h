#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "pkcs11/module.h"

namespace hwacme::pkcs11 {

using ObjectHandle = unsigned long;  ///< CK_OBJECT_HANDLE

/// One attribute of a search or creation template (CK_ATTRIBUTE with an owned value).
struct Attribute {
    unsigned long type;  ///< CKA_*
    Bytes value;

    static Attribute flag(unsigned long type, bool value);
    static Attribute number(unsigned long type, unsigned long value);
    static Attribute bytes(unsigned long type, ByteView value);
};
using Template = std::vector<Attribute>;

/// A read/write session on one token, and the one place this backend calls C_* functions
/// itself: every call goes through check_rv, so each error names the function and its CKR_*
/// code (the latchset/pkcs11-provider shape).
///
/// Login state belongs to the token and the process, not to a session (PKCS#11 2.40 §5.6): the
/// session logs in only when the token does not already report a user session.
/// Owns the session handle (closed in the destructor); neither copied nor moved, shared by
/// shared_ptr between a Keystore and its keys. Not thread-safe (one Keystore, one thread).
class Session {
public:
    /// Opens a R/W session on `token` (checking the slot still holds that token).
    Session(std::shared_ptr<Module> module, TokenInfo token);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    const TokenInfo& token() const { return token_; }
    Module& module() const { return *module_; }

    /// Logs the user in once, with the PIN from the URI's pin-source or HWACME_PKCS11_PIN; does
    /// nothing when the token needs no login or the process is logged in already. Never retries:
    /// a failure is Error{AuthFailed} "PKCS#11 login to token 'X' failed: CKR_PIN_INCORRECT".
    void login(const Pkcs11Uri& uri);

    std::vector<ObjectHandle> find(const Template& match);
    /// The attribute's value; nullopt when the token refuses it (sensitive) or the object has
    /// no such attribute.
    std::optional<Bytes> attribute(ObjectHandle object, unsigned long type);
    /// A CK_BBOOL attribute; nullopt as above.
    std::optional<bool> flag(ObjectHandle object, unsigned long type);

    /// Sets a CK_BBOOL attribute; false when the token keeps it as it is (read-only, or an
    /// attribute it does not have), which is not an error.
    bool set_flag(ObjectHandle object, unsigned long type, bool value);

    /// The mechanism's key size range (CK_MECHANISM_INFO); nullopt when the token lacks it.
    std::optional<std::pair<unsigned long, unsigned long>> key_sizes(unsigned long mechanism);
    /// C_GenerateKeyPair: returns {public, private}.
    std::pair<ObjectHandle, ObjectHandle> generate_key_pair(unsigned long mechanism,
                                                            const Template& public_template,
                                                            const Template& private_template);
    /// C_SignInit + C_Sign with a mechanism without parameters; `max_size` bounds the result.
    /// With `context_pin`, a key that needs the PIN for each signature (CKA_ALWAYS_AUTHENTICATE)
    /// is unlocked for this one operation by C_Login(CKU_CONTEXT_SPECIFIC) between the two:
    /// once, never retried (Error{AuthFailed} on a refused PIN).
    Bytes sign(ObjectHandle key, unsigned long mechanism, ByteView data, std::size_t max_size,
               const Pin* context_pin = nullptr);
    ObjectHandle create(const Template& object);
    void destroy(ObjectHandle object);

private:
    std::shared_ptr<Module> module_;
    TokenInfo token_;
    unsigned long handle_ = 0;
};

}  // namespace hwacme::pkcs11
