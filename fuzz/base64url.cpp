// base64url as JOSE carries it in CA answers (RFC 7515 §2): decoding any text either fails with
// hwacme::Error or yields bytes that encode back to the same text, padding dropped.
#include <cstdint>
#include <string_view>

#include "common/base64url.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    hwacme::Bytes decoded;
    try {
        decoded = hwacme::base64url_decode(text);
    } catch (const hwacme::Error&) {
        return 0;
    }
    if (hwacme::base64url_decode(hwacme::base64url_encode(decoded)) != decoded) __builtin_trap();
    return 0;
}
