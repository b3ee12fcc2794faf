#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "agent/acme/account.h"

namespace hwacme::cli {

/// External Account Binding on the command line: the key id and a file holding the MAC key
/// (base64url, as CAs hand it out) — never the key itself on argv.
struct EabOptions {
    std::string kid;
    std::string hmac_key_file;
    std::string alg = "HS256";

    void add_to(CLI::App& app);
    /// nullopt without --eab-kid. Error{InvalidArgument} for a kid without a key file or a key
    /// file that is not base64url; Error{NotFound} for a missing file.
    std::optional<acme::ExternalAccountBinding> load() const;
};

}  // namespace hwacme::cli
