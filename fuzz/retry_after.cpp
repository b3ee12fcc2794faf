// Retry-After from the CA (RFC 9110 §10.2.3): whatever the text, the delay is nullopt or within
// the clamp the waits rely on (0 s .. one day), also for dates far before or after now.
#include <chrono>
#include <cstdint>
#include <string_view>

#include "agent/http/http_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A fixed "now" keeps every run of an input the same.
    const std::chrono::system_clock::time_point now{std::chrono::seconds(1'750'000'000)};
    auto delay = hwacme::http::parse_retry_after(
        std::string_view(reinterpret_cast<const char*>(data), size), now);
    if (delay && (*delay < std::chrono::seconds(0) || *delay > std::chrono::hours(24)))
        __builtin_trap();
    return 0;
}
