#include "agent/http/client_hello.h"

#include <cctype>
#include <cstdint>

namespace hwacme::http {
namespace {

std::span<const unsigned char> bytes_of(std::string_view s) {
    return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

/// Takes a block prefixed by a big-endian length of `width` bytes from the front of `data`;
/// false, leaving both unchanged, when the length reaches past the end.
bool take_block(std::span<const unsigned char>& data, std::size_t width,
                std::span<const unsigned char>& block) {
    if (data.size() < width) return false;
    std::size_t length = 0;
    for (std::size_t i = 0; i < width; ++i) length = (length << 8) | data[i];
    if (data.size() - width < length) return false;
    block = data.subspan(width, length);
    data = data.subspan(width + length);
    return true;
}

bool equals(std::span<const unsigned char> bytes, std::string_view text) {
    return std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()) == text;
}

}  // namespace

std::span<const unsigned char> find_alpn_protocol(std::span<const unsigned char> protocols,
                                                  std::string_view protocol) {
    // RFC 7301 §3.1: ProtocolNameList has at least one name, and every name at least one byte.
    if (protocols.empty()) return {};
    std::span<const unsigned char> found;
    while (!protocols.empty()) {
        std::span<const unsigned char> name;
        if (!take_block(protocols, 1, name) || name.empty()) return {};
        if (found.empty() && equals(name, protocol)) found = name;
    }
    return found;
}

bool alpn_extension_offers(std::string_view extension, std::string_view protocol) {
    auto data = bytes_of(extension);
    std::span<const unsigned char> list;
    return take_block(data, 2, list) && data.empty() && !find_alpn_protocol(list, protocol).empty();
}

std::string sni_host_name(std::string_view extension) {
    auto data = bytes_of(extension);
    std::span<const unsigned char> list;
    if (!take_block(data, 2, list)) return {};
    while (!list.empty()) {
        std::uint8_t type = list[0];
        list = list.subspan(1);
        std::span<const unsigned char> name;
        if (!take_block(list, 2, name)) return {};
        if (type == 0) {
            std::string host(reinterpret_cast<const char*>(name.data()), name.size());
            for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return host;
        }
    }
    return {};
}

}  // namespace hwacme::http
