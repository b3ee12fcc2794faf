#pragma once

#include <string>
#include <vector>

#include "common/bytes.h"
#include "keystore/key.h"

namespace hwacme::jose {

/// Builds a PKCS#10 certificate request (RFC 2986) for `names` — DNS names, or IPv4/IPv6
/// literals which become iPAddress SANs — with the first name as subject CN when it is a DNS name
/// of at most 64 characters. OpenSSL assembles the request; its to-be-signed bytes are signed
/// through Key::sign_digest, so hardware keys sign their CSR exactly like software keys.
/// Returns DER. Error{InvalidArgument} for an empty name list.
Bytes build_csr(const keystore::Key& key, const std::vector<std::string>& names);

}  // namespace hwacme::jose
