#include "tests/custody/wire_checks.h"

#include <catch2/catch.hpp>

#include "agent/custody/messages.h"

namespace hwacme::custody::test {
namespace {

template <class Decode>
std::string protocol_error(Decode decode) {
    try {
        decode();
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Protocol);
        return e.what();
    }
    FAIL_CHECK("decoded without an error");
    return "";
}

}  // namespace

std::string request_error(ByteView body) {
    return protocol_error([&] { decode_request(body); });
}

std::string response_error(ByteView body) {
    return protocol_error([&] { decode_response(body); });
}

}  // namespace hwacme::custody::test
