#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"

namespace hwacme {

/// RFC 4648 §5 base64url without padding, as JOSE requires (RFC 7515 §2).
std::string base64url_encode(ByteView data);
inline std::string base64url_encode(std::string_view s) {
    return base64url_encode(as_bytes(s));
}

/// Decodes unpadded (or padded) base64url; throws Error{InvalidArgument} on a bad character.
Bytes base64url_decode(std::string_view text);

}  // namespace hwacme
