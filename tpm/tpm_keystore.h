#pragma once

#include <memory>

#include "keystore/keystore.h"

namespace hwacme::tpm {

/// The TPM 2.0 backend for `tpm2:` URIs (tpm2-tss ESAPI). Keys are generated in the TPM under the
/// storage parent (the persistent SRK at 0x81000001 when provisioned, else a primary from the
/// SRK template) as non-duplicable signing keys, and kept either as
///   `tpm2:path=/abs/NAME.tss2.pem` — a TSS2 PRIVATE KEY file (mode 0600, never overwritten),
///                                    readable by tpm2-openssl; or
///   `tpm2:handle=0x81000002`      — a persistent object in the owner range.
/// Query `auth-source=file:/path` gives the key's auth value. `tpm2:` alone names the TPM (list
/// its persistent signing keys); `tpm2:path=/dir` lists the key files of a folder.
/// The TPM comes from options.tcti, else env HWACME_TCTI, else `device:/dev/tpmrm0` — never from
/// the URI. The keystore connects on first use and is not thread-safe; its keys share the
/// connection and may outlive it.
std::unique_ptr<keystore::Keystore> open_keystore(const keystore::KeyUri& uri,
                                                  const keystore::KeystoreOptions& options);

}  // namespace hwacme::tpm
