// The CA's directory (RFC 8555 §7.1.1), the first document hwacme reads from a CA.
#include <cstdint>
#include <string_view>

#include "agent/acme/directory.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        hwacme::acme::Directory::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                                       "https://ca.example/directory");
    } catch (const hwacme::Error&) {
    }
    return 0;
}
