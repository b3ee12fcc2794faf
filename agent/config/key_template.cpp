#include "agent/config/key_template.h"

namespace hwacme::config {

bool is_key_template(std::string_view key_uri) {
    return key_uri.find(kGenerationPlaceholder) != std::string_view::npos;
}

std::string key_uri_for_generation(std::string_view key_template, std::uint64_t generation) {
    std::string out;
    std::string number = std::to_string(generation);
    std::size_t from = 0;
    for (std::size_t at;
         (at = key_template.find(kGenerationPlaceholder, from)) != std::string_view::npos;
         from = at + kGenerationPlaceholder.size()) {
        out.append(key_template.substr(from, at - from));
        out += number;
    }
    out.append(key_template.substr(from));
    return out;
}

}  // namespace hwacme::config
