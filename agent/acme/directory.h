#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hwacme::acme {

/// The CA's directory object (RFC 8555 §7.1.1). URLs are always taken from here, never built.
struct Directory {
    std::string new_nonce;
    std::string new_account;
    std::string new_order;
    std::string revoke_cert;
    std::string key_change;
    std::optional<std::string> new_authz;
    std::optional<std::string> renewal_info;  ///< RFC 9773 ARI
    std::optional<std::string> terms_of_service;
    std::optional<std::string> website;
    std::vector<std::string> caa_identities;
    bool external_account_required = false;
    std::vector<std::string> profiles;  ///< names in meta.profiles

    /// Parses the directory JSON; Error{Protocol} naming the missing member.
    static Directory parse(std::string_view json, const std::string& url);
};

}  // namespace hwacme::acme
