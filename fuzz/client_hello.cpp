// The ClientHello extension readers of tls-alpn-01, fed directly (fuzz/tls_alpn01.cpp reaches
// them through a real server, a hundred times slower): any peer of the challenge port chooses
// these bytes, so a found protocol must lie inside them and nothing may read past them.
#include <cstdint>
#include <span>
#include <string_view>

#include "agent/http/client_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const unsigned char> bytes(data, size);
    auto found = hwacme::http::find_alpn_protocol(bytes, hwacme::http::kAcmeTls1);
    if (!found.empty() &&
        (found.data() < bytes.data() || found.data() + found.size() > bytes.data() + bytes.size() ||
         std::string_view(reinterpret_cast<const char*>(found.data()), found.size()) !=
             hwacme::http::kAcmeTls1))
        __builtin_trap();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    hwacme::http::alpn_extension_offers(text, hwacme::http::kAcmeTls1);
    auto host = hwacme::http::sni_host_name(text);
    if (host.size() > size) __builtin_trap();
    return 0;
}
