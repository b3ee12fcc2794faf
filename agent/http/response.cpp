#include <algorithm>
#include <cctype>

#include "agent/http/http_client.h"

namespace hwacme::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// One link-value of a Link header (RFC 8288 §3): "<target>; param=value; param="value"".
struct LinkValue {
    std::string_view target;
    std::string_view rel;
};

/// Splits at `separator` outside quoted strings and <...> targets: a URL or a quoted parameter
/// may itself hold a comma or a semicolon.
std::vector<std::string_view> split_outside_quotes(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    bool in_quotes = false;
    bool in_target = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_quotes) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_quotes = false;
        } else if (in_target) {
            if (c == '>') in_target = false;
        } else if (c == '"') {
            in_quotes = true;
        } else if (c == '<') {
            in_target = true;
        } else if (c == separator) {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(text.substr(start));
    return parts;
}

std::optional<LinkValue> parse_link_value(std::string_view text) {
    auto params = split_outside_quotes(text, ';');
    auto target = trim(params.front());
    if (target.size() < 2 || target.front() != '<' || target.back() != '>') return std::nullopt;
    LinkValue link{target.substr(1, target.size() - 2), {}};
    for (std::size_t i = 1; i < params.size(); ++i) {
        auto param = trim(params[i]);
        auto equals = param.find('=');
        if (equals == std::string_view::npos || !iequals(trim(param.substr(0, equals)), "rel")) {
            continue;
        }
        auto value = trim(param.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        link.rel = value;
        break;  // RFC 8288 §3.3: only the first rel parameter counts
    }
    return link;
}

/// rel may list several relation types separated by spaces (RFC 8288 §3.3), compared
/// case-insensitively.
bool has_relation(std::string_view rel_list, std::string_view wanted) {
    while (!rel_list.empty()) {
        auto space = rel_list.find_first_of(" \t");
        auto type = rel_list.substr(0, space);
        if (!type.empty() && iequals(type, wanted)) return true;
        if (space == std::string_view::npos) break;
        rel_list.remove_prefix(space + 1);
    }
    return false;
}

}  // namespace

std::optional<std::string> Response::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return std::nullopt;
}

std::vector<std::string> Response::headers_named(std::string_view name) const {
    std::vector<std::string> values;
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) values.push_back(value);
    }
    return values;
}

std::vector<std::string> Response::links(std::string_view rel) const {
    std::vector<std::string> targets;
    for (const auto& header_value : headers_named("link")) {
        for (auto link_text : split_outside_quotes(header_value, ',')) {
            auto link = parse_link_value(link_text);
            if (link && has_relation(link->rel, rel)) targets.emplace_back(link->target);
        }
    }
    return targets;
}

}  // namespace hwacme::http
