#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/secret_file.h"
#include "keystore/key_uri.h"

namespace hwacme::pkcs11 {

/// The token attributes of a `pkcs11:` URI (RFC 7512 §2.3); a token matches when every given
/// attribute equals the token's (trailing blanks of the CK_TOKEN_INFO fields removed).
struct TokenSelector {
    std::optional<std::string> label;         ///< `token`
    std::optional<std::string> manufacturer;  ///< `manufacturer`
    std::optional<std::string> serial;        ///< `serial`
    std::optional<std::string> model;         ///< `model`

    bool empty() const { return !label && !manufacturer && !serial && !model; }
    /// "token=acme serial=1234" — for "not found" and "ambiguous" messages.
    std::string describe() const;
};

/// A `pkcs11:` URI validated for this backend. Holds no PIN: only where to read it from.
struct Pkcs11Uri {
    TokenSelector token;
    std::optional<std::string> object;  ///< CKA_LABEL
    std::optional<Bytes> id;            ///< CKA_ID
    std::optional<std::string> type;    ///< "private", "public", "cert", …
    std::string module_path;            ///< given, or the p11-kit proxy
    bool module_path_given = false;
    std::optional<std::string> pin_source;  ///< the query value as given (`file:/path`)

    /// Validates `uri`: scheme pkcs11, only known path and query attributes, no pin-value, at
    /// least one token attribute, a pin-source that names a file. Error{InvalidUri} otherwise,
    /// with a message that never repeats a PIN.
    static Pkcs11Uri parse(const keystore::KeyUri& uri);

    /// "object 'web' id 0a0b" — the object and id the URI names, for messages.
    std::string describe_object() const;

    /// The normalised URI of a private key: token, object, id, type=private, plus the module-path
    /// and pin-source query when they were given.
    std::string key_uri(const std::string& token_label, const std::string& label, ByteView id,
                        std::string_view type = "private") const;
};

/// The p11-kit proxy module, used when a URI names none: it serves every module the system
/// registered (p11-kit(8)).
std::string default_module_path();

/// Lower-case hex, for ids in messages and `key show`.
std::string hex(ByteView bytes);

/// A PIN read from its source; wiped from memory on destruction, never printed.
class Pin {
public:
    /// Keeps `secret` without one trailing newline (files written by `echo` end with one).
    explicit Pin(Secret secret) : secret_(std::move(secret)) { secret_.drop_trailing_newline(); }
    std::string_view value() const { return secret_.view(); }

private:
    Secret secret_;  ///< wiped when the Pin goes
};
/// Reads the PIN from the URI's pin-source file, else from the file HWACME_PKCS11_PIN_FILE
/// names, else from the environment variable HWACME_PKCS11_PIN; nullptr when none is set.
/// Error{NotFound}/Error{Io} when the pin-source file cannot be read (the path is named, the
/// content never).
std::unique_ptr<Pin> read_pin(const Pkcs11Uri& uri);

}  // namespace hwacme::pkcs11
