#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace hwacme::custody {

/// What a run may ask beyond signing its account's requests; each only in the command that needs
/// it.
enum class Operation {
    KeyChange,               ///< `account rollover`: the new key's inner JWS (RFC 8555 §7.3.5)
    Revocation,              ///< `revoke`: a request to revokeCert signed by a certificate key
    ExternalAccountBinding,  ///< `account register`, `issue`: the EAB MAC over the account key
};

/// What custody agrees to sign in one run. It is fixed from the command line and configuration
/// before the network process says anything, so nothing that process sends can widen it.
struct PolicyTerms {
    std::string directory_url;
    /// Each certificate of the run (for `issue`, one, named "") and the identifiers its CSR may
    /// carry.
    std::map<std::string, std::vector<std::string>> certificates = {};
    std::set<Operation> operations = {};
};

/// Every check throws Error{Custody} with a message naming the refused request; the run ends
/// with it.
class SigningPolicy {
public:
    /// Error{InvalidArgument} when the directory URL has no scheme and host.
    explicit SigningPolicy(PolicyTerms terms);

    /// A signed request goes only to the directory's origin: its scheme, host and port.
    void allow_url(std::string_view url) const;
    /// A CSR for certificate `certificate` names exactly its identifiers (in any order and
    /// letter case).
    void allow_names(const std::string& certificate, const std::vector<std::string>& names) const;
    void allow(Operation operation) const;
    /// A dns-01 record ("_acme-challenge.NAME", without the trailing dot) only for one of the
    /// identifiers of certificate `certificate` (a wildcard's record is its base name's).
    void allow_dns_record(const std::string& certificate, const std::string& record) const;

    const std::string& origin() const { return origin_; }

private:
    PolicyTerms terms_;
    std::string origin_;                        ///< "https://host:port"
    std::vector<std::string> origin_prefixes_;  ///< "https://host:port/", "https://host/"
};

}  // namespace hwacme::custody
