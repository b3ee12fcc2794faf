#include "agent/cli/eab_options.h"

#include "common/atomic_file.h"
#include "common/base64url.h"
#include "common/error.h"

namespace hwacme::cli {

void EabOptions::add_to(CLI::App& app) {
    auto* kid_option = app.add_option("--eab-kid", kid, "External Account Binding key id");
    app.add_option("--eab-hmac-key-file", hmac_key_file, "file holding the EAB MAC key (base64url)")
        ->needs(kid_option);
    app.add_option("--eab-alg", alg, "EAB MAC algorithm: HS256 (default), HS384, HS512")
        ->check(CLI::IsMember({"HS256", "HS384", "HS512"}));
}

std::optional<acme::ExternalAccountBinding> EabOptions::load() const {
    if (kid.empty()) return std::nullopt;
    if (hmac_key_file.empty())
        throw Error(Errc::InvalidArgument, "--eab-kid needs --eab-hmac-key-file FILE");
    std::string text = read_file(hmac_key_file);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    Bytes key;
    try {
        key = base64url_decode(text);
    } catch (const Error&) {
        throw Error(Errc::InvalidArgument,
                    "the EAB MAC key in " + hmac_key_file + " is not base64url");
    }
    return acme::ExternalAccountBinding{kid, std::move(key), alg};
}

}  // namespace hwacme::cli
