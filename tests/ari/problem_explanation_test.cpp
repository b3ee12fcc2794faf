#include <catch2/catch.hpp>
#include <string>

#include "agent/acme/client.h"
#include "agent/acme/problem.h"
#include "common/error.h"
#include "tests/http/canned_http_server.h"

using namespace hwacme;

namespace {

std::string failure_of(const http::Response& response) {
    try {
        acme::require_success(response, "new order (newOrder)");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Protocol);
        return e.what();
    }
    FAIL("require_success accepted an error answer");
    return {};
}

}  // namespace

TEST_CASE("every ACME error type of RFC 8555 RFC 9773 and the profiles draft is explained",
          "[unit]") {
    for (const char* name :
         {// RFC 8555 §6.7
          "accountDoesNotExist", "alreadyRevoked", "badCSR", "badNonce", "badPublicKey",
          "badRevocationReason", "badSignatureAlgorithm", "caa", "compound", "connection", "dns",
          "externalAccountRequired", "incorrectResponse", "invalidContact", "malformed",
          "orderNotReady", "rateLimited", "rejectedIdentifier", "serverInternal", "tls",
          "unauthorized", "unsupportedContact", "unsupportedIdentifier", "userActionRequired",
          // RFC 9773 §7.4
          "alreadyReplaced",
          // draft-aaron-acme-profiles
          "invalidProfile"}) {
        INFO(name);
        auto problem = acme::parse_problem(
            "application/problem+json",
            std::string(R"({"type":"urn:ietf:params:acme:error:)") + name + R"(","detail":"d"})");
        REQUIRE(problem);
        auto explanation = acme::explain_problem(name);
        CHECK(explanation.size() > 10);
        CHECK(problem->describe() == std::string(name) + " (" + std::string(explanation) + "): d");
    }
}

TEST_CASE("userActionRequired names the terms URL of the Link header from a fake CA answer",
          "[unit]") {
    // A fake CA: Pebble cannot be made to answer userActionRequired (RFC 8555 §7.3.3).
    std::string body = R"({"type":"urn:ietf:params:acme:error:userActionRequired",)"
                       R"("detail":"Terms of service have changed",)"
                       R"("instance":"https://fake-ca.example/agreement-instructions"})";
    hwacme::test::CannedHttpServer fake_ca(
        "HTTP/1.1 403 Forbidden\r\n"
        "Content-Type: application/problem+json\r\n"
        "Link: <https://fake-ca.example/acme/directory>;rel=\"index\"\r\n"
        "Link: <https://fake-ca.example/terms-2026.pdf>;rel=\"terms-of-service\"\r\n"
        "Content-Length: " +
        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    http::Client client({});
    auto response = client.get(fake_ca.url());
    REQUIRE(response.status == 403);

    auto problem = acme::problem_of(response);
    REQUIRE(problem);
    CHECK(problem->terms_of_service == "https://fake-ca.example/terms-2026.pdf");
    auto message = failure_of(response);
    CHECK(message.find("new order (newOrder) failed: userActionRequired") == 0);
    CHECK(message.find("accept the terms at https://fake-ca.example/terms-2026.pdf") !=
          std::string::npos);
    CHECK(message.find("[see https://fake-ca.example/agreement-instructions]") !=
          std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
}

TEST_CASE("userActionRequired without a Link header points at the problem's instance", "[unit]") {
    http::Response response;
    response.status = 403;
    response.headers = {{"content-type", "application/problem+json"}};
    response.body = R"({"type":"urn:ietf:params:acme:error:userActionRequired",)"
                    R"("instance":"https://fake-ca.example/terms"})";
    auto message = failure_of(response);
    CHECK(message.find("accept the terms at https://fake-ca.example/terms") != std::string::npos);
    CHECK(message.find("[see") == std::string::npos);
}

TEST_CASE("an error answer with Retry-After names the time to retry at", "[unit]") {
    http::Response response;
    response.status = 429;
    response.headers = {{"content-type", "application/problem+json"}, {"retry-after", "120"}};
    response.body = R"({"type":"urn:ietf:params:acme:error:rateLimited","detail":"slow down"})";
    auto message = failure_of(response);
    CHECK(message.find("rateLimited") != std::string::npos);
    auto at = message.find("retry after ");
    REQUIRE(at != std::string::npos);
    // "retry after 2026-11-28T16:20:00Z (120 s)": an RFC 3339 UTC time, then the delay.
    auto time = message.substr(at + 12, 20);
    CHECK(time[4] == '-');
    CHECK(time[10] == 'T');
    CHECK(time[19] == 'Z');
    CHECK(message.substr(at + 32) == " (120 s)");
}
