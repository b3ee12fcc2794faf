#pragma once

#include <optional>
#include <string>

#include "agent/acme/account.h"

namespace hwacme::service {

/// The External Account Binding (RFC 8555 §7.3.4) of key id `kid`, its MAC key read from
/// `hmac_key_file` (base64url, as CAs hand it out; never given on argv). nullopt without a kid.
/// Error{InvalidArgument} for a kid without a key file or a key file that is not base64url;
/// Error{NotFound} for a missing file.
std::optional<acme::ExternalAccountBinding> load_eab(const std::string& kid,
                                                     const std::string& hmac_key_file,
                                                     const std::string& alg);

/// Where the External Account Binding of a command comes from: its key id and the file holding
/// the MAC key, read only by the process that makes the binding (key custody, when it runs).
struct EabSource {
    std::string kid;
    std::string hmac_key_file;
    std::string alg = "HS256";

    /// nullopt without a kid.
    static std::optional<EabSource> of(const std::string& kid, const std::string& hmac_key_file,
                                       const std::string& alg);
    /// load_eab of this source.
    acme::ExternalAccountBinding load() const;
};

}  // namespace hwacme::service
