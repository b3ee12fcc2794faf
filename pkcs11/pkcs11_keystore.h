#pragma once

#include <memory>

#include "keystore/keystore.h"

namespace hwacme::pkcs11 {

/// The PKCS#11 backend for `pkcs11:` URIs (RFC 7512).
std::unique_ptr<keystore::Keystore> open_keystore(const keystore::KeyUri& uri,
                                                  const keystore::KeystoreOptions& options);

}  // namespace hwacme::pkcs11
