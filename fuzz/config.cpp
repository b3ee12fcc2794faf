// The configuration file (JSON with comments), which another local user may have written.
#include <cstdint>
#include <string_view>

#include "agent/config/config.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        hwacme::config::parse_config(std::string_view(reinterpret_cast<const char*>(data), size),
                                     "hwacme.json");
    } catch (const hwacme::Error&) {
    }
    return 0;
}
