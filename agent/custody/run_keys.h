#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <string>

#include "agent/custody/key_plan.h"
#include "agent/custody/messages.h"
#include "agent/signing/csr_signer.h"
#include "agent/signing/request_signer.h"

namespace hwacme::custody {

/// A key of the run as the ACME code sees it: its name and the signers over it, never the key.
struct HeldKey {
    std::string uri;         ///< for messages and saved state; never with a PIN
    bool generated = false;  ///< made for this run
    std::string key_type;    ///< keystore::to_string of its type
    const signing::RequestSigner& requests;
    const signing::CsrSigner& csr;
};

/// The keys of one run by role, each opened (or generated, where its plan allows) on first
/// use: in this process (LocalKeys) or in the custody process (RemoteKeys). Not thread-safe.
class RunKeys {
public:
    virtual ~RunKeys() = default;

    /// The key of `role`; Error{Custody} for a role the run's plan leaves empty, the keystore's
    /// error when it cannot be opened.
    virtual const HeldKey& key(KeyRole role) = 0;

    /// Stores `certificate`, issued for the certificate key, beside that key in its token.
    /// Error{InvalidArgument} when it certifies another key, Error{Unsupported} when the key's
    /// store keeps no certificates.
    virtual void store_certificate(X509* certificate) = 0;

    /// `renew`: makes the key of `generation` of the managed certificate `certificate` the
    /// certificate key, opened or generated, closing the one before. `spec` is where this
    /// process's configuration puts it; custody works that out again from its own and refuses
    /// a generation the run may not use.
    virtual const HeldKey& select_certificate(const std::string& certificate,
                                              std::uint32_t generation, const KeySpec& spec) = 0;

    /// `renew`: destroys the retired key `key_uri` of `certificate` in its device (closing it
    /// first when the run holds it); one that is gone already is fine. Custody refuses a key
    /// the state does not show retired and past its grace period.
    virtual void destroy_key(const std::string& certificate, const std::string& key_uri) = 0;
};

/// "the account key", "the certificate key", "the new account key": for messages.
const char* role_name(KeyRole role);

}  // namespace hwacme::custody
