#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "agent/custody/fields.h"

namespace hwacme::custody {

/// The character sets a text field may be held to; errors name the set.
enum class Charset {
    Base64url,        ///< A-Z a-z 0-9 - _ (RFC 4648 §5): nonces
    VisibleAscii,     ///< 0x21..0x7e: URLs, no spaces or controls
    PrintableAscii,   ///< 0x20..0x7e: key ids, JWS text
    IdentifierName,   ///< A-Z a-z 0-9 . - * : (DNS names, wildcards, IPv6 and IPv4 addresses)
    DnsRecordName,    ///< A-Z a-z 0-9 . - _ (_acme-challenge.example.com)
    CertificateName,  ///< A-Z a-z 0-9 . _ - (a managed certificate's name in the configuration)
};

/// The next field as text of min..max bytes, every byte in `set`.
std::string read_text(FieldReader& in, std::string_view name, std::size_t min, std::size_t max,
                      Charset set);

/// The next field as an https URL of visible ASCII, at most kMaxUrlBytes: custody puts it in a
/// JWS header, and the CA's URLs are all https (RFC 8555 §6.1).
std::string read_https_url(FieldReader& in, std::string_view name);

/// The next field as min..max bytes of well-formed UTF-8 without control characters (C0, DEL,
/// C1) or bidirectional overrides: text the other process may show to the operator.
std::string read_printable_utf8(FieldReader& in, std::string_view name, std::size_t min,
                                std::size_t max);

}  // namespace hwacme::custody
