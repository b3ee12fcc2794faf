// RFC 3339 times from the CA (ARI windows) and from state files. A time that parses must be
// written back by format_rfc3339 as text that parses to the same instant: the state files
// store what the CA said and read it again on the next run.
#include <cstdint>
#include <string_view>

#include "common/rfc3339.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto time = hwacme::parse_rfc3339(std::string_view(reinterpret_cast<const char*>(data), size));
    if (time && hwacme::parse_rfc3339(hwacme::format_rfc3339(*time)) != time) __builtin_trap();
    return 0;
}
