#pragma once

#include <string>

#include "common/bytes.h"

namespace hwacme::test {

/// The DER SubjectPublicKeyInfo of the first certificate in PEM text: what a test compares with
/// the public half of the key a device holds. Throws Error(InvalidArgument) if the text holds no
/// certificate.
Bytes certificate_spki(const std::string& pem);

}  // namespace hwacme::test
