#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace hwacme {

/// The category of a failure. Callers branch on the category, never on message text.
enum class Errc {
    InvalidArgument,  ///< bad input from the user: option, file content, identifier
    InvalidUri,       ///< a key URI that does not parse or names unknown attributes
    NotFound,         ///< key, token, object, file or account that does not exist
    AlreadyExists,    ///< refusing to overwrite an existing key or file
    Unsupported,      ///< an algorithm or feature this backend or CA does not offer
    NotImplemented,   ///< a backend that is not built yet
    AuthFailed,       ///< wrong PIN or auth value; never retried
    Custody,          ///< a key that could leave its device; a signature the policy refuses
    DeviceFailure,    ///< token, HSM or TPM answered with an error or went away
    Crypto,           ///< OpenSSL failed
    Network,          ///< connect, DNS, timeout, TLS
    Protocol,         ///< the CA answered with a problem document or an unexpected reply
    Io,               ///< local file system
    // A category added here must also be accepted by the custody wire: kLastErrc in
    // agent/custody/messages.cpp, which refuses values past the last category.
};

std::string_view to_string(Errc code) noexcept;

/// The one exception type of the project. The message names the cause in one line.
class Error : public std::runtime_error {
public:
    Error(Errc code, const std::string& what) : std::runtime_error(what), code_(code) {}
    Errc code() const noexcept { return code_; }

private:
    Errc code_;
};

}  // namespace hwacme
