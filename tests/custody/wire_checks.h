#pragma once

#include <string>

#include "common/bytes.h"

namespace hwacme::custody::test {

/// A URL every rule accepts, 33 bytes long.
inline const std::string kOrderUrl = "https://ca.example/acme/new-order";

/// The message of the Error{Errc::Protocol} that decoding `body` throws; fails the test when
/// decoding succeeds or throws another category. Tests match the field the message names.
std::string request_error(ByteView body);
std::string response_error(ByteView body);

}  // namespace hwacme::custody::test
