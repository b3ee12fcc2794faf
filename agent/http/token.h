#pragma once

#include <string_view>

#include "common/error.h"

namespace hwacme::http {

/// RFC 8555 §8.1: a challenge token is base64url. Anything else (a '/', a '.', a NUL) comes from
/// a broken or hostile server and must not reach a file name or a URL path.
inline void require_base64url_token(std::string_view token) {
    auto is_base64url = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    };
    // 255 = NAME_MAX: the webroot responder uses the token as a file name.
    bool valid = !token.empty() && token.size() <= 255;
    for (char c : token) valid = valid && is_base64url(c);
    if (!valid) {
        throw Error(Errc::Protocol,
                    "challenge token is not base64url (RFC 8555 §8.1): refusing to serve it");
    }
}

}  // namespace hwacme::http
