#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hwacme::acme {

/// Why `name` is not a DNS name hwacme orders a certificate for, or nullopt when it is: LDH
/// labels (RFC 1123 §2.1) of 1 to 63 characters, 253 in all, no trailing dot, and "*." only as
/// the whole first label (RFC 8555 §7.1.3). Such a name is safe as a hook's argument and in a
/// file name: no spaces, quotes, slashes or control characters.
std::optional<std::string> dns_name_problem(std::string_view name);

}  // namespace hwacme::acme
