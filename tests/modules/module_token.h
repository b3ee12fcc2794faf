#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace hwacme::test {

/// One real PKCS#11 module with a throwaway token, as the module conformance matrix runs it:
/// SoftHSM2 named by module-path, SoftHSM2 reached through the p11-kit proxy (no module-path),
/// and tpm2-pkcs11 over a private swtpm. A module missing from the machine fails the test naming
/// the Debian package to install; it never skips.
class ModuleToken {
public:
    enum class Kind { SoftHsm, SoftHsmThroughProxy, Tpm2Pkcs11 };
    static std::unique_ptr<ModuleToken> make(Kind kind);
    virtual ~ModuleToken() = default;

    /// "SoftHSM2", "SoftHSM2 through p11-kit", "tpm2-pkcs11": for test messages.
    virtual std::string name() const = 0;
    /// The key URI of `object` on the token, with its pin-source.
    virtual std::string uri_for(std::string_view object) const = 0;
    /// The module file a bare PKCS#11 loop loads for this token (the p11-kit proxy for the
    /// proxy kind).
    virtual std::string module_path() const = 0;
    /// The user PIN, for a bare loop that logs in on its own (never print it).
    virtual std::string pin() const = 0;
    /// The token's label.
    virtual std::string token_label() const = 0;
    /// The token alone, for `key list`.
    virtual std::string token_uri() const = 0;
    /// What hwacme's environment needs to reach the token ("KEY=VALUE").
    virtual std::vector<std::string> env() const = 0;
};

}  // namespace hwacme::test
