#include "pkcs11/ec_params.h"

#include <algorithm>

#include "common/error.h"

namespace hwacme::pkcs11 {
namespace {

// secp256r1 1.2.840.10045.3.1.7 and secp384r1 1.3.132.0.34, DER-encoded.
const Bytes kP256{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const Bytes kP384{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

}  // namespace

Bytes ec_params(keystore::KeyType type) {
    if (type == keystore::KeyType::EcP256) return kP256;
    if (type == keystore::KeyType::EcP384) return kP384;
    throw Error(Errc::Unsupported,
                "no EC parameters for key type " + std::string(keystore::to_string(type)));
}

std::optional<keystore::KeyType> ec_key_type(ByteView params) {
    if (std::equal(params.begin(), params.end(), kP256.begin(), kP256.end()))
        return keystore::KeyType::EcP256;
    if (std::equal(params.begin(), params.end(), kP384.begin(), kP384.end()))
        return keystore::KeyType::EcP384;
    return std::nullopt;
}

}  // namespace hwacme::pkcs11
