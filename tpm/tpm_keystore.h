#pragma once

#include <memory>

#include "keystore/keystore.h"

namespace hwacme::tpm {

/// The TPM 2.0 backend for `tpm2:` URIs.
std::unique_ptr<keystore::Keystore> open_keystore(const keystore::KeyUri& uri,
                                                  const keystore::KeystoreOptions& options);

}  // namespace hwacme::tpm
