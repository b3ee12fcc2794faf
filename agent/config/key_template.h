#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hwacme::config {

/// What a key-URI template holds where each rotation puts its number (key_policy "rotate").
inline constexpr std::string_view kGenerationPlaceholder = "{generation}";

/// True when `key_uri` contains kGenerationPlaceholder.
bool is_key_template(std::string_view key_uri);

/// The key URI of one generation: every "{generation}" replaced by the number, so
/// "pkcs11:token=t;object=www-{generation}" is "pkcs11:token=t;object=www-3" for generation 3.
std::string key_uri_for_generation(std::string_view key_template, std::uint64_t generation);

}  // namespace hwacme::config
