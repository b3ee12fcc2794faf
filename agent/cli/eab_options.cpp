#include "agent/cli/eab_options.h"

#include "common/base64url.h"
#include "common/error.h"
#include "common/secret_file.h"

namespace hwacme::cli {
namespace {

// A MAC key is 32 to 64 bytes; its base64url text, a line of whitespace and more fit easily.
constexpr std::size_t kMaxKeyFileBytes = 1024;

}  // namespace

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
    auto secret = read_secret_file(hmac_key_file, kMaxKeyFileBytes, "the EAB MAC key");
    auto text = secret.view();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
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
