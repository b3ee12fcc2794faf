#pragma once

#include <string>

#include "common/error.h"

namespace hwacme {

/// Drains OpenSSL's error queue into one line: "what: reason (lib)". Empty queue gives `what`.
std::string openssl_message(const std::string& what);

/// Throws Error{code} with the drained OpenSSL error queue appended to `what`.
[[noreturn]] void throw_openssl(const std::string& what, Errc code = Errc::Crypto);

}  // namespace hwacme
