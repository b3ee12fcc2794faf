#include "agent/cli/eab_options.h"

namespace hwacme::cli {

void EabOptions::add_to(CLI::App& app) {
    auto* kid_option = app.add_option("--eab-kid", kid, "External Account Binding key id");
    app.add_option("--eab-hmac-key-file", hmac_key_file, "file holding the EAB MAC key (base64url)")
        ->needs(kid_option);
    app.add_option("--eab-alg", alg, "EAB MAC algorithm: HS256 (default), HS384, HS512")
        ->check(CLI::IsMember({"HS256", "HS384", "HS512"}));
}

std::optional<service::EabSource> EabOptions::source() const {
    return service::EabSource::of(kid, hmac_key_file, alg);
}

}  // namespace hwacme::cli
