#include "keystore/key_uri.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "common/error.h"

namespace hwacme::keystore {
namespace {

constexpr std::array<std::string_view, 3> kKnownSchemes{"file", "pkcs11", "tpm2"};

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 3986 §2.3.
bool is_unreserved(char c) {
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

// RFC 7512 §2.3 pk11-res-avail: what a value may carry unencoded in path and query alike.
bool is_pk11_res_avail(char c) {
    return std::string_view(":[]@!$'()*+,=").find(c) != std::string_view::npos;
}

// pk11-pchar also admits '&' (the query delimiter, harmless in the path). `tpm2:` values are
// file paths, so '/' stays readable there; RFC 7512 requires it encoded in `pkcs11:` paths.
bool is_path_value_char(char c, std::string_view scheme) {
    return is_unreserved(c) || is_pk11_res_avail(c) || c == '&' || (c == '/' && scheme == "tpm2");
}

// pk11-qchar also admits '/', '?' and '|' (RFC 7512 §2.3), so `pin-source=file:/etc/pin` stays
// readable; '&' and ';' must be encoded.
bool is_query_value_char(char c) {
    return is_unreserved(c) || is_pk11_res_avail(c) || c == '/' || c == '?' || c == '|';
}

// RFC 8089 §2 path characters; '/' separates segments.
bool is_file_path_char(char c) {
    return is_unreserved(c) || c == '/' || c == ':' || c == '@' || c == '!' || c == '$' ||
           c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' ||
           c == ';' || c == '=';
}

// A PIN given inline (RFC 7512 §2.4 pin-value) must not reach a log through an error message,
// however its name is spelt: "PIN-VALUE=" is refused as a name, but its value is a PIN all the
// same. It ends at the next attribute of either component.
std::string redacted(std::string_view text) {
    constexpr std::string_view kName = "pin-value=";
    std::string out;
    std::size_t from = 0;
    for (;;) {
        std::size_t at = std::string_view::npos;
        for (std::size_t i = from; i + kName.size() <= text.size(); ++i) {
            bool same = true;
            for (std::size_t k = 0; k < kName.size() && same; ++k)
                same = std::tolower(static_cast<unsigned char>(text[i + k])) == kName[k];
            if (same) {
                at = i;
                break;
            }
        }
        if (at == std::string_view::npos) return out.append(text.substr(from));
        std::size_t start = at + kName.size();
        std::size_t end = text.find_first_of("&;?", start);
        out.append(text.substr(from, start - from)).append("***");
        if (end == std::string_view::npos) return out;
        from = end;
    }
}

[[noreturn]] void throw_invalid(std::string_view text, const std::string& reason) {
    throw Error(Errc::InvalidUri, "invalid key URI '" + redacted(text) + "': " + reason);
}

int hex_value(char c) {
    if (is_digit(c)) return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// `secret` values (an inline PIN) are not quoted in the error, not even the bad escape.
std::string percent_decode(std::string_view encoded, std::string_view uri, bool secret = false) {
    std::string out;
    out.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        if (encoded[i] != '%') {
            out += encoded[i];
            continue;
        }
        int high = i + 1 < encoded.size() ? hex_value(encoded[i + 1]) : -1;
        int low = i + 2 < encoded.size() ? hex_value(encoded[i + 2]) : -1;
        if (high < 0 || low < 0)
            throw_invalid(
                uri, secret ? std::string("bad percent-escape in pin-value")
                            : "bad percent-escape '" + std::string(encoded.substr(i, 3)) + "'");
        out += static_cast<char>(high * 16 + low);
        i += 2;
    }
    return out;
}

template <class IsVerbatim>
std::string percent_encode(std::string_view value, IsVerbatim is_verbatim) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (is_verbatim(c)) {
            out += c;
        } else {
            auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0F];
        }
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    for (;;) {
        std::size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return parts;
        text.remove_prefix(at + 1);
    }
}

// Attribute names as RFC 7512 §2.3 spells them: lower-case letters, digits and '-'.
void check_attribute_name(std::string_view name, std::string_view uri) {
    if (name.empty()) throw_invalid(uri, "an attribute has an empty name");
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '-'))
            throw_invalid(uri, "attribute name '" + std::string(name) +
                                   "' has a character other than a-z, 0-9 and '-'");
}

KeyUri::Attributes parse_attributes(std::string_view text, char separator, std::string_view uri) {
    KeyUri::Attributes attributes;
    if (text.empty()) return attributes;
    for (std::string_view part : split(text, separator)) {
        if (part.empty())
            throw_invalid(uri, std::string("an empty attribute beside '") + separator + "'");
        std::size_t eq = part.find('=');
        if (eq == std::string_view::npos)
            throw_invalid(uri, "attribute '" + std::string(part) + "' has no '='");
        std::string_view name = part.substr(0, eq);
        check_attribute_name(name, uri);
        attributes.emplace_back(std::string(name),
                                percent_decode(part.substr(eq + 1), uri, name == "pin-value"));
    }
    return attributes;
}

void check_unique_path_attributes(const KeyUri::Attributes& attributes, std::string_view uri) {
    for (auto it = attributes.begin(); it != attributes.end(); ++it)
        if (std::any_of(attributes.begin(), it,
                        [&](auto& seen) { return seen.first == it->first; }))
            throw_invalid(uri, "path attribute '" + it->first + "' appears twice (RFC 7512 §2.3)");
}

std::string check_scheme(std::string scheme, std::string_view uri) {
    // RFC 3986 §3.1: schemes compare case-insensitively; the canonical form is lower case.
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    if (std::find(kKnownSchemes.begin(), kKnownSchemes.end(), scheme) == kKnownSchemes.end())
        throw Error(Errc::InvalidUri, "unknown key URI scheme '" + scheme +
                                          ":' (known: file, pkcs11, tpm2) in '" + redacted(uri) +
                                          "'");
    return scheme;
}

// RFC 8089 §2: `file:/p`, `file:///p` and `file://localhost/p` name the same local file; no
// other host is reachable by a key store. Relative `file:dir/key.pem` is kept as given.
std::string parse_file_path(std::string_view rest, std::string_view uri) {
    if (rest.find_first_of("?#") != std::string_view::npos)
        throw_invalid(uri, "a file URI takes no query or fragment (encode '?' as %3F, '#' as %23)");
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        std::size_t slash = rest.find('/');
        std::string_view host = rest.substr(0, slash);
        if (!host.empty() && host != "localhost")
            throw_invalid(uri, "file URI host '" + std::string(host) +
                                   "' is not this machine (use file:/path)");
        if (slash == std::string_view::npos) throw_invalid(uri, "the file path is empty");
        rest.remove_prefix(slash);
    }
    std::string path = percent_decode(rest, uri);
    if (path.empty()) throw_invalid(uri, "the file path is empty");
    if (path.find('\0') != std::string::npos)
        throw_invalid(uri, "the file path contains a NUL byte");
    return path;
}

}  // namespace

KeyUri KeyUri::parse(std::string_view text) {
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0)
        throw_invalid(text, "no scheme (expected file:, pkcs11: or tpm2:)");
    KeyUri uri;
    uri.original_ = std::string(text);
    uri.scheme_ = check_scheme(std::string(text.substr(0, colon)), text);
    std::string_view rest = text.substr(colon + 1);
    if (uri.scheme_ == "file") {
        uri.path_ = parse_file_path(rest, text);
        return uri;
    }
    std::size_t question = rest.find('?');
    uri.path_attrs_ = parse_attributes(rest.substr(0, question), ';', text);
    check_unique_path_attributes(uri.path_attrs_, text);
    if (question != std::string_view::npos)
        uri.query_attrs_ = parse_attributes(rest.substr(question + 1), '&', text);
    return uri;
}

std::optional<std::string> KeyUri::attribute(std::string_view name) const {
    for (auto& [n, value] : path_attrs_)
        if (n == name) return value;
    return std::nullopt;
}

std::optional<std::string> KeyUri::query(std::string_view name) const {
    for (auto& [n, value] : query_attrs_)
        if (n == name) return value;
    return std::nullopt;
}

std::string KeyUri::str() const {
    if (scheme_ == "file") {
        // A path starting "//" would read back as an authority; an empty one keeps it a path.
        std::string prefix = path_.starts_with("//") ? "file://" : "file:";
        return prefix + percent_encode(path_, is_file_path_char);
    }
    std::string out = scheme_ + ":";
    for (std::size_t i = 0; i < path_attrs_.size(); ++i) {
        if (i > 0) out += ';';
        out += path_attrs_[i].first + "=" + percent_encode(path_attrs_[i].second, [&](char c) {
                   return is_path_value_char(c, scheme_);
               });
    }
    for (std::size_t i = 0; i < query_attrs_.size(); ++i) {
        out += i == 0 ? '?' : '&';
        out += query_attrs_[i].first + "=" +
               percent_encode(query_attrs_[i].second, is_query_value_char);
    }
    return out;
}

KeyUri KeyUri::file(std::string path) {
    if (path.empty()) throw Error(Errc::InvalidUri, "a file key URI needs a non-empty path");
    if (path.find('\0') != std::string::npos)
        throw Error(Errc::InvalidUri, "a file key URI path cannot contain a NUL byte");
    KeyUri uri;
    uri.scheme_ = "file";
    uri.path_ = std::move(path);
    uri.original_ = uri.str();
    return uri;
}

KeyUri KeyUri::with_attributes(std::string scheme, Attributes path_attrs, Attributes query_attrs) {
    KeyUri uri;
    std::string as_text = scheme + ":";
    uri.scheme_ = check_scheme(std::move(scheme), as_text);
    if (uri.scheme_ == "file")
        throw Error(Errc::InvalidUri,
                    "file key URIs have a path, not attributes: use KeyUri::file");
    uri.path_attrs_ = std::move(path_attrs);
    uri.query_attrs_ = std::move(query_attrs);
    std::string text = uri.str();
    for (auto* attributes : {&uri.path_attrs_, &uri.query_attrs_})
        for (auto& [name, value] : *attributes) check_attribute_name(name, text);
    check_unique_path_attributes(uri.path_attrs_, text);
    uri.original_ = std::move(text);
    return uri;
}

}  // namespace hwacme::keystore
