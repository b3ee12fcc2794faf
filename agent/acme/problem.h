#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hwacme::acme {

/// An RFC 7807 problem document as ACME uses it (RFC 8555 §6.7).
struct Problem {
    std::string type;  ///< e.g. "urn:ietf:params:acme:error:badNonce"
    std::string detail;
    int status = 0;
    std::string identifier;  ///< "dns:example.com" for subproblems
    std::vector<Problem> subproblems;
    /// A page for a human to visit; userActionRequired puts the instructions there (§7.3.3).
    std::string instance;
    /// The Link rel="terms-of-service" of the answer that carried the problem: the new terms a
    /// userActionRequired asks the operator to accept. Filled by problem_of(), not the parser.
    std::string terms_of_service;

    /// The ACME error name without its URN prefix ("badNonce"), or the type as given.
    std::string name() const;
    bool is(std::string_view acme_error_name) const { return name() == acme_error_name; }
    /// One line: "<name> (<what it means>): <detail>[; <identifier>: <sub detail>]…"; for
    /// userActionRequired also "; accept the terms at <URL>". Server text is escaped before it
    /// reaches a terminal.
    std::string describe() const;
};

/// Parses a problem document; nullopt when `body` is not one (wrong type or not JSON).
std::optional<Problem> parse_problem(std::string_view content_type, std::string_view body);

/// What an ACME error type means, in words for an operator: every RFC 8555 §6.7 type, RFC 9773's
/// alreadyReplaced and draft-aaron-acme-profiles' invalidProfile; empty for unknown types.
std::string_view explain_problem(std::string_view acme_error_name);

}  // namespace hwacme::acme
