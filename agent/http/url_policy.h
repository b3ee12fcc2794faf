#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hwacme::http {

/// Why `url` cannot be an ACME directory, or nullopt when it can: RFC 8555 §6.1 puts ACME on
/// HTTPS; plain http is let through only for a CA on this machine's loopback (test CAs).
std::optional<std::string> directory_url_problem(std::string_view url);

/// Throws Error{Protocol} unless hwacme may send a request to `url`, which the CA at
/// `directory_url` handed out as `what` ("newOrder", "an order's finalize", …): an https URL,
/// or a loopback http URL when the directory itself is one. A CA (or whoever answers in its name)
/// must not steer a signed request into clear text.
void require_followable(std::string_view url, std::string_view directory_url,
                        std::string_view what);

}  // namespace hwacme::http
