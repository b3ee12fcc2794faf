#include "agent/service/eab_binding.h"

#include <openssl/crypto.h>

#include "common/base64url.h"
#include "common/error.h"
#include "common/secret_file.h"

namespace hwacme::service {
namespace {

// A MAC key is 32 to 64 bytes; its base64url text, a line of whitespace and more fit easily.
constexpr std::size_t kMaxKeyFileBytes = 1024;

}  // namespace

std::optional<acme::ExternalAccountBinding> load_eab(const std::string& kid,
                                                     const std::string& hmac_key_file,
                                                     const std::string& alg) {
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
    // base64url_decode sizes its buffer once: wiping `key` leaves no copy of the MAC key behind.
    auto held = std::make_shared<const Secret>(
        Secret::copy_of({reinterpret_cast<const char*>(key.data()), key.size()}));
    OPENSSL_cleanse(key.data(), key.size());
    return acme::ExternalAccountBinding{kid, std::move(held), alg};
}

std::optional<EabSource> EabSource::of(const std::string& kid, const std::string& hmac_key_file,
                                       const std::string& alg) {
    if (kid.empty()) return std::nullopt;
    return EabSource{kid, hmac_key_file, alg};
}

acme::ExternalAccountBinding EabSource::load() const {
    return *load_eab(kid, hmac_key_file, alg);
}

}  // namespace hwacme::service
