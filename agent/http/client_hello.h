#pragma once

#include <span>
#include <string>
#include <string_view>

namespace hwacme::http {

// Readers of the two ClientHello extensions tls-alpn-01 depends on. Their input comes from any
// peer that reaches the challenge port, before OpenSSL has checked it, so each reads only inside
// the bytes it is given and treats a malformed list as offering nothing.

/// RFC 8737 §6.2: the ALPN protocol a tls-alpn-01 validator offers.
inline constexpr std::string_view kAcmeTls1 = "acme-tls/1";

/// RFC 7301 §3.1: the entry equal to `protocol` in a ProtocolNameList's protocols (the bytes
/// OpenSSL hands an ALPN selection callback: the list without its 2-byte length). Empty when the
/// list does not offer it or is malformed (an empty list, an empty name, a length past the end).
/// A non-empty result is a sub-span of `protocols`.
std::span<const unsigned char> find_alpn_protocol(std::span<const unsigned char> protocols,
                                                  std::string_view protocol);

/// Whether the body of a ClientHello's ALPN extension (2-byte length, then the list) offers
/// `protocol`; false for a malformed extension.
bool alpn_extension_offers(std::string_view extension, std::string_view protocol);

/// RFC 6066 §3: the host_name of a ClientHello's server_name extension body, lowercased; empty
/// when there is none or the extension is malformed.
std::string sni_host_name(std::string_view extension);

}  // namespace hwacme::http
