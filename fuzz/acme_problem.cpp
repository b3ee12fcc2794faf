// An error answer (RFC 8555 §6.7, RFC 7807): require_success() parses the problem document and
// builds the one-line message the operator sees, as every request does on an HTTP error.
#include <cstdint>
#include <string>

#include "agent/acme/client.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hwacme::http::Response response{
        403,
        {{"content-type", "application/problem+json"},
         {"link", "<https://ca.example/terms/v2>;rel=\"terms-of-service\""}},
        std::string(reinterpret_cast<const char*>(data), size)};
    try {
        hwacme::acme::require_success(response, "new order (newOrder)");
    } catch (const hwacme::Error&) {
    }
    return 0;
}
