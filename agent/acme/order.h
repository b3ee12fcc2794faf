#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "agent/acme/account.h"
#include "agent/acme/problem.h"

namespace hwacme::acme {

/// An identifier to certify (RFC 8555 §9.7.7; "ip" from RFC 8738).
struct Identifier {
    std::string type;  ///< "dns" or "ip"
    std::string value;
    bool operator==(const Identifier&) const = default;
};

/// "ip" for IPv4/IPv6 literals, "dns" for names; Error{InvalidArgument} for anything else
/// (dns_name_problem).
Identifier identifier_for(const std::string& name);

struct Challenge {
    std::string type;
    std::string url;
    std::string token;
    std::string status;
    std::optional<Problem> error;
};

struct Authorization {
    std::string url;
    Identifier identifier;
    std::string status;
    bool wildcard = false;
    std::vector<Challenge> challenges;
    std::optional<std::chrono::seconds> retry_after;  ///< from the answer that carried it

    const Challenge* challenge(std::string_view type) const;
    static Authorization parse(const boost::json::object& json, std::string url);
};

struct Order {
    std::string url;
    std::string status;
    std::vector<Identifier> identifiers;
    std::vector<std::string> authorizations;
    std::string finalize;
    std::optional<std::string> certificate;
    std::optional<Problem> error;
    std::optional<std::chrono::seconds> retry_after;  ///< from the answer that carried it

    static Order parse(const boost::json::object& json, std::string url);
};

/// What newOrder may carry besides the identifiers.
struct NewOrderOptions {
    /// The ARI identifier of the certificate this order renews (RFC 9773 §5).
    std::optional<std::string> replaces;
    /// A profile the directory offers in meta.profiles (draft-aaron-acme-profiles).
    std::optional<std::string> profile;
};

/// newOrder (RFC 8555 §7.4).
Order new_order(AccountSession& session, const std::vector<Identifier>& identifiers,
                const NewOrderOptions& options = {});
Order fetch_order(AccountSession& session, const std::string& url);
Authorization fetch_authorization(AccountSession& session, const std::string& url);
/// Deactivates an authorization (§7.5.2): POST {"status":"deactivated"}. The CA answers with the
/// authorization as it now is; Error{Protocol} when it refuses.
Authorization deactivate_authorization(AccountSession& session, const std::string& url);
/// Tells the CA the challenge is ready to be validated (§7.5.1): POST {}.
Challenge answer_challenge(AccountSession& session, const std::string& url);
/// Sends the CSR (DER) to the order's finalize URL (§7.4). nullopt when the CA answers
/// orderNotReady: its authorizations are not all valid yet.
std::optional<Order> finalize_order(AccountSession& session, const Order& order, ByteView csr_der);

/// A downloaded certificate chain (§7.4.2): PEM, leaf first, and the alternate chain URLs.
struct CertificateChain {
    std::string pem;
    std::vector<std::string> alternates;
};
CertificateChain download_certificate(AccountSession& session, const std::string& url);

}  // namespace hwacme::acme
