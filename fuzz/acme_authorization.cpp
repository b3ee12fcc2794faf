// An authorization (RFC 8555 §7.1.4) through json_body() and Authorization::parse(), as
// fetch_authorization reads it; the challenge lookup and the errors issue would print.
#include <cstdint>
#include <string>

#include "agent/acme/client.h"
#include "agent/acme/order.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hwacme::http::Response response{200,
                                    {{"content-type", "application/json"}},
                                    std::string(reinterpret_cast<const char*>(data), size)};
    try {
        auto authz = hwacme::acme::Authorization::parse(
            hwacme::acme::json_body(response, "authorization"), "https://ca.example/authz/1");
        for (std::string_view type : {"http-01", "dns-01", "tls-alpn-01"})
            if (auto* challenge = authz.challenge(type); challenge && challenge->error)
                challenge->error->describe();
    } catch (const hwacme::Error&) {
    }
    return 0;
}
