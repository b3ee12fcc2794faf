#include <catch2/catch.hpp>

#include "agent/acme/problem.h"

using namespace hwacme::acme;

TEST_CASE("a problem document with subproblems is parsed and described in one line", "[unit]") {
    // RFC 8555 §6.7.1's example.
    const char* body = R"({
        "type": "urn:ietf:params:acme:error:malformed",
        "detail": "Some of the identifiers requested were rejected",
        "subproblems": [
            {"type": "urn:ietf:params:acme:error:malformed",
             "detail": "Invalid underscore in DNS name \"_example.org\"",
             "identifier": {"type": "dns", "value": "_example.org"}},
            {"type": "urn:ietf:params:acme:error:rejectedIdentifier",
             "detail": "This CA will not issue for \"example.net\"",
             "identifier": {"type": "dns", "value": "example.net"}}
        ]})";
    auto problem = parse_problem("application/problem+json", body);
    REQUIRE(problem);
    CHECK(problem->name() == "malformed");
    CHECK(problem->is("malformed"));
    REQUIRE(problem->subproblems.size() == 2);
    CHECK(problem->subproblems[1].identifier == "dns:example.net");
    CHECK(problem->subproblems[1].is("rejectedIdentifier"));
    std::string line = problem->describe();
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find("malformed (the CA could not parse the request)") == 0);
    CHECK(line.find("dns:example.net: rejectedIdentifier") != std::string::npos);
}

TEST_CASE("a problem's server text is escaped before it is printed", "[unit]") {
    auto problem = parse_problem("application/problem+json; charset=utf-8",
                                 R"({"type":"urn:ietf:params:acme:error:badNonce",)"
                                 R"("detail":"bad\u001b[31m nonce\n","status":400})");
    REQUIRE(problem);
    CHECK(problem->status == 400);
    CHECK(problem->describe().find('\x1b') == std::string::npos);
    CHECK(problem->describe().find("\\x1b[31m nonce\\x0a") != std::string::npos);
}

TEST_CASE("bodies that are not problem documents are not problems", "[unit]") {
    CHECK_FALSE(parse_problem("application/json", R"({"type":"x"})"));
    CHECK_FALSE(parse_problem("application/problem+json", "not json"));
    CHECK_FALSE(parse_problem("application/problem+json", "[1,2]"));
}

TEST_CASE("every RFC 8555 §6.7 error type has an explanation", "[unit]") {
    for (const char* name : {"accountDoesNotExist",
                             "alreadyRevoked",
                             "badCSR",
                             "badNonce",
                             "badPublicKey",
                             "badRevocationReason",
                             "badSignatureAlgorithm",
                             "caa",
                             "compound",
                             "connection",
                             "dns",
                             "externalAccountRequired",
                             "incorrectResponse",
                             "invalidContact",
                             "malformed",
                             "orderNotReady",
                             "rateLimited",
                             "rejectedIdentifier",
                             "serverInternal",
                             "tls",
                             "unauthorized",
                             "unsupportedContact",
                             "unsupportedIdentifier",
                             "userActionRequired"}) {
        INFO(name);
        CHECK_FALSE(explain_problem(name).empty());
    }
    CHECK(explain_problem("noSuchError").empty());
}
