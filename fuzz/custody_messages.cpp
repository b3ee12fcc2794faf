// A custody message as the other process sends it: decoding any body either fails with
// hwacme::Error or yields a message whose encoding is the very same body (the layout leaves no
// choices, so decode and encode are inverses) and decodes to an equal message.
#include <algorithm>
#include <cstdint>

#include "agent/custody/messages.h"
#include "common/error.h"

namespace {

template <class Decode>
void check_round_trip(hwacme::ByteView body, Decode decode) {
    decltype(decode(body)) message;
    try {
        message = decode(body);
    } catch (const hwacme::Error&) {
        return;
    }
    hwacme::Bytes again = hwacme::custody::encode(message);
    if (!std::equal(again.begin(), again.end(), body.begin(), body.end())) __builtin_trap();
    if (!(decode(again) == message)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    hwacme::ByteView body(data, size);
    check_round_trip(body, hwacme::custody::decode_request);
    check_round_trip(body, hwacme::custody::decode_response);
    return 0;
}
