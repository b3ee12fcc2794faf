#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/c_handle.h"
#include "keystore/key_type.h"

struct TPM2B_PUBLIC;

namespace hwacme::tpm {

/// The public area of a key this backend creates (TPM 2.0 Part 2 §12.2.4): nameAlg SHA-256,
/// fixedTPM|fixedParent|sensitiveDataOrigin|userWithAuth|sign (0x00040072) — non-duplicable,
/// generated inside the TPM, usable with its auth value, and not noDA: wrong auth values count
/// towards dictionary-attack lockout. EC keys have scheme NULL (TPM2_Sign names ECDSA and the hash
/// per call), RSA keys RSASSA/SHA-256 (RS256, RFC 7518 §3.3). Error{Unsupported} for RSA 3072/4096.
TPM2B_PUBLIC signing_template(keystore::KeyType type);

/// The key type of a public area; Error{Unsupported} naming `what` for anything but an ECC P-256 /
/// P-384 or RSA 2048/3072/4096 key.
keystore::KeyType key_type_of(const TPM2B_PUBLIC& pub, const std::string& what);

/// Refuses what cannot sign arbitrary digests (Error{Unsupported}: no sign attribute, or
/// restricted) and, unless `allow_extractable`, a key that could leave the TPM: Error{Custody}
/// naming the first missing attribute of fixedTPM, fixedParent, sensitiveDataOrigin.
void check_custody(const TPM2B_PUBLIC& pub, bool allow_extractable, const std::string& what);

/// The public half as an OpenSSL key.
EvpPkeyPtr public_key_of(const TPM2B_PUBLIC& pub);

/// "fixedTPM: yes", "object attributes: 0x00040072", "key type: ec-p256", … for describe().
std::vector<std::pair<std::string, std::string>> public_facts(const TPM2B_PUBLIC& pub);

/// Marshals a TPM2B_PUBLIC (Part 2 §12.2.5) for a TSS2 key file.
Bytes marshal_public(const TPM2B_PUBLIC& pub);
/// Unmarshals it; Error{InvalidArgument} naming `what` when malformed.
TPM2B_PUBLIC unmarshal_public(ByteView data, const std::string& what);

}  // namespace hwacme::tpm
