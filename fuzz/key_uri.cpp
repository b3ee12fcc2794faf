// Key URIs (file:, pkcs11: RFC 7512, tpm2:) from the command line, the configuration and the
// state files, parsed as the registry does: KeyUri::parse, then the backend's own validation.
// What hwacme writes back (str(), a token key's normalised URI, a TPM location's URI) must
// parse to the same thing: state files store those strings and read them on the next run.
// Only the first parse may throw; an Error from a second one escapes and counts as a crash.
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/error.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_uri.h"
#include "tpm/tpm_location.h"

namespace {

using hwacme::keystore::KeyUri;

void check(bool holds) {
    if (!holds) __builtin_trap();
}

template <class Parser>
auto parsed_or_nullopt(Parser parse) -> std::optional<decltype(parse())> {
    try {
        return parse();
    } catch (const hwacme::Error&) {
        return std::nullopt;
    }
}

void check_pkcs11(const KeyUri& uri) {
    auto maybe = parsed_or_nullopt([&] { return hwacme::pkcs11::Pkcs11Uri::parse(uri); });
    if (!maybe || !maybe->token.label) return;
    const auto& parsed = *maybe;
    hwacme::Bytes id = parsed.id.value_or(hwacme::Bytes{});
    auto again = hwacme::pkcs11::Pkcs11Uri::parse(
        KeyUri::parse(parsed.key_uri(*parsed.token.label, parsed.object.value_or(""), id)));
    check(again.token.label == parsed.token.label &&
          again.object.value_or("") == parsed.object.value_or("") && again.id == parsed.id &&
          again.module_path == parsed.module_path && again.pin_source == parsed.pin_source);
}

void check_tpm2(const KeyUri& uri) {
    using hwacme::tpm::TpmLocation;
    auto maybe = parsed_or_nullopt([&] { return TpmLocation::parse(uri); });
    if (!maybe) return;
    const auto& location = *maybe;
    auto again = TpmLocation::parse(KeyUri::parse(location.uri()));
    check(again.kind == location.kind && again.path == location.path &&
          again.handle == location.handle && again.auth_file == location.auth_file);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto uri = parsed_or_nullopt([&] { return KeyUri::parse(text); });
    if (!uri) return 0;
    check(KeyUri::parse(uri->str()) == *uri);
    if (uri->scheme() == "pkcs11") check_pkcs11(*uri);
    if (uri->scheme() == "tpm2") check_tpm2(*uri);
    return 0;
}
