#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace hwacme::tpm {

/// The contents of a "TSS2 PRIVATE KEY" PEM file, the wrapped-key format tpm2-openssl and
/// tpm2-tss-engine read:
///   TSSPrivKey ::= SEQUENCE { type OBJECT IDENTIFIER (2.23.133.10.1.3, loadable key),
///       emptyAuth [0] EXPLICIT BOOLEAN OPTIONAL, parent INTEGER,
///       pubkey OCTET STRING (TPM2B_PUBLIC), privkey OCTET STRING (TPM2B_PRIVATE) }
/// The private part is encrypted under the parent's seed: only the TPM that made it can load it.
struct Tss2KeyFile {
    bool empty_auth = true;    ///< the key needs no auth value
    std::uint32_t parent = 0;  ///< 0x40000001 (owner primary) or a persistent handle
    Bytes public_area;         ///< marshalled TPM2B_PUBLIC
    Bytes private_area;        ///< marshalled TPM2B_PRIVATE
};

/// PEM text of `key`.
std::string encode_tss2_pem(const Tss2KeyFile& key);

/// Parses PEM text; Error{InvalidArgument} naming `source` when it is not a TSS2 loadable key.
Tss2KeyFile decode_tss2_pem(std::string_view pem, const std::string& source);

}  // namespace hwacme::tpm
