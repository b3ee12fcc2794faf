#pragma once

#include <memory>

#include "keystore/keystore.h"

namespace hwacme::keystore {

/// The software backend: keys as unencrypted PKCS#8 PEM files, for development and as a baseline.
/// URI: `file:/path/key.pem`. New files are created with mode 0600 and O_EXCL (never overwritten);
/// list() takes a folder URI (`file:/dir`) and lists its *.pem private keys.
std::unique_ptr<Keystore> open_file_keystore(const KeyUri& uri, const KeystoreOptions& options);

}  // namespace hwacme::keystore
