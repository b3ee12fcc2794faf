// An order as the CA answers newOrder, a poll or finalize (RFC 8555 §7.1.3), through the same
// json_body() and Order::parse() as fetch_order; its error is described as issue would print it.
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
        auto order = hwacme::acme::Order::parse(hwacme::acme::json_body(response, "order status"),
                                                "https://ca.example/order/1");
        if (order.error) order.error->describe();
    } catch (const hwacme::Error&) {
    }
    return 0;
}
