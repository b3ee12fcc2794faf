#include "agent/acme/problem.h"

#include <array>
#include <boost/json.hpp>
#include <utility>

#include "common/json_member.h"
#include "common/log.h"

namespace hwacme::acme {
namespace {

constexpr std::string_view kAcmeErrorPrefix = "urn:ietf:params:acme:error:";

// RFC 8555 §6.7's table, RFC 9773's alreadyReplaced and draft-aaron-acme-profiles'
// invalidProfile; each says what went wrong and, where the operator can act, how.
constexpr std::array<std::pair<std::string_view, std::string_view>, 26> kExplanations{{
    {"accountDoesNotExist",
     "the CA has no account for this key; register one with 'hwacme account register'"},
    {"alreadyReplaced",
     "the certificate named in 'replaces' was already replaced by another order"},
    {"alreadyRevoked", "the certificate is already revoked"},
    {"badCSR", "the CA rejected the certificate signing request"},
    {"badNonce", "the CA rejected the anti-replay nonce"},
    {"badPublicKey", "the CA does not accept this key type or size"},
    {"badRevocationReason", "the CA does not accept this revocation reason"},
    {"badSignatureAlgorithm", "the CA does not accept this signature algorithm"},
    {"caa", "a CAA DNS record forbids this CA from issuing for the name"},
    {"compound", "several errors; see the sub-problems"},
    {"connection", "the CA could not connect to the server answering the challenge"},
    {"dns", "the CA's DNS lookup for the name failed"},
    {"externalAccountRequired",
     "the CA requires an external account binding: pass --eab-kid and --eab-hmac-key-file"},
    {"incorrectResponse", "the challenge response the CA fetched was wrong"},
    {"invalidContact", "the CA rejects a contact address"},
    {"invalidProfile", "the CA does not offer the requested certificate profile"},
    {"malformed", "the CA could not parse the request"},
    {"orderNotReady", "the order is not ready for finalization"},
    {"rateLimited", "a CA rate limit was hit; wait before trying again"},
    {"rejectedIdentifier", "the CA will not issue for this identifier"},
    {"serverInternal", "the CA had an internal error; try again later"},
    {"tls", "the CA had a TLS error while validating"},
    {"unauthorized", "the account is not authorized for this"},
    {"unsupportedContact", "the CA does not support this contact URL scheme"},
    {"unsupportedIdentifier", "the CA does not support this identifier type"},
    {"userActionRequired", "the CA needs the operator to act first, e.g. accept new terms"},
}};

Problem problem_from(const boost::json::object& obj) {
    Problem p;
    p.type = string_member(obj, "type");
    p.detail = string_member(obj, "detail");
    p.instance = string_member(obj, "instance");
    if (auto* s = obj.if_contains("status"); s && s->is_int64())
        p.status = static_cast<int>(s->as_int64());
    if (auto* id = obj.if_contains("identifier"); id && id->is_object())
        p.identifier =
            string_member(id->as_object(), "type") + ":" + string_member(id->as_object(), "value");
    if (auto* subs = obj.if_contains("subproblems"); subs && subs->is_array())
        for (auto& sub : subs->as_array())
            if (sub.is_object()) p.subproblems.push_back(problem_from(sub.as_object()));
    return p;
}

}  // namespace

std::string Problem::name() const {
    if (type.starts_with(kAcmeErrorPrefix)) return type.substr(kAcmeErrorPrefix.size());
    return type.empty() ? "about:blank" : type;
}

std::string Problem::describe() const {
    std::string line = log::printable(name(), 80);
    if (auto why = explain_problem(name()); !why.empty()) line += " (" + std::string(why) + ")";
    if (!detail.empty()) line += ": " + log::printable(detail);
    // RFC 8555 §7.3.3: the new terms come as a Link header, the instructions as `instance`.
    std::string_view terms = terms_of_service;
    if (is("userActionRequired")) {
        if (terms.empty()) terms = instance;
        if (!terms.empty()) line += "; accept the terms at " + log::printable(terms, 200);
    }
    if (!instance.empty() && instance != terms)
        line += " [see " + log::printable(instance, 200) + "]";
    for (const auto& sub : subproblems) {
        line += "; " + log::printable(sub.identifier, 100) + ": " + log::printable(sub.name(), 80);
        if (!sub.detail.empty()) line += ": " + log::printable(sub.detail);
    }
    return line;
}

std::optional<Problem> parse_problem(std::string_view content_type, std::string_view body) {
    if (!content_type.starts_with("application/problem+json")) return std::nullopt;
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return problem_from(value.as_object());
}

std::string_view explain_problem(std::string_view acme_error_name) {
    for (auto& [name, text] : kExplanations)
        if (name == acme_error_name) return text;
    return {};
}

}  // namespace hwacme::acme
