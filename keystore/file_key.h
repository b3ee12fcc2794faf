#pragma once

#include <filesystem>

#include "keystore/key.h"

namespace hwacme::keystore {

/// "EC secp521r1", "RSA 1024-bit", "ED25519 256-bit": what a key is, for messages.
std::string key_kind(const EVP_PKEY* key);

/// The KeyType of a software private key. Error{Unsupported} naming `path` for any other kind
/// (Ed25519, RSA-PSS, other curves) or size.
KeyType software_key_type(const EVP_PKEY* key, const std::filesystem::path& path);

/// A new private key of `type`, made by OpenSSL's default provider.
EvpPkeyPtr generate_software_key(KeyType type);

/// A private key held in this process, loaded from a PEM file. Owns its EVP_PKEY; not
/// thread-safe (see Key).
class FileKey final : public Key {
public:
    FileKey(EvpPkeyPtr private_key, KeyType type, std::filesystem::path path);

    KeyType type() const override { return type_; }
    std::string uri() const override;
    EvpPkeyPtr public_key() const override;
    Bytes sign_digest(HashAlg hash, ByteView digest) const override;

private:
    EvpPkeyPtr private_key_;
    KeyType type_;
    std::filesystem::path path_;
};

}  // namespace hwacme::keystore
