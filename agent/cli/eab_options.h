#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "agent/service/eab_binding.h"

namespace hwacme::cli {

/// External Account Binding on the command line: the key id and a file holding the MAC key
/// (base64url, as CAs hand it out) — never the key itself on argv.
struct EabOptions {
    std::string kid;
    std::string hmac_key_file;
    std::string alg = "HS256";

    void add_to(CLI::App& app);
    /// nullopt without --eab-kid; the key file is read by the service that makes the binding.
    std::optional<service::EabSource> source() const;
};

}  // namespace hwacme::cli
