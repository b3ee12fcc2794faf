#include <catch2/catch.hpp>

#include "agent/custody/messages.h"
#include "tests/custody/wire_checks.h"

using namespace hwacme;
using namespace hwacme::custody;
using namespace hwacme::custody::test;

namespace {

const std::string kAccountUrl = "https://ca.example/acme/acct/1234";

}  // namespace

TEST_CASE("every request decodes to what was encoded", "[unit]") {
    const std::vector<Request> requests{
        PublicKeyRequest{KeyRole::Account},
        PublicKeyRequest{KeyRole::Certificate},
        PublicKeyRequest{KeyRole::NewAccountKey},
        SignRequest{KeyRole::Account, kOrderUrl, "oFvnlFP1wIhRlYS2jTaXbA", kAccountUrl,
                    R"({"identifiers":[{"type":"dns","value":"example.com"}]})"},
        SignRequest{KeyRole::Certificate, kOrderUrl, std::nullopt, std::nullopt, ""},
        SignRequest{KeyRole::Account, kOrderUrl, "abc-_", std::nullopt, std::string("\0\xff", 2)},
        CsrRequest{{"example.com", "*.Example.org", "192.0.2.1", "2001:db8::1"}},
        KeyChangeRequest{"https://ca.example/acme/key-change", kAccountUrl},
        EabRequest{"kid-1 with a space", "https://ca.example/acme/new-account"},
        StoreCertificateRequest{Bytes{0x30, 0x82, 0x01, 0x0a}},
        DnsHookRequest{"add", "_acme-challenge.example.com",
                       "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0", 290},
        CertificateKeyRequest{"www.example-1_a", 7},
        CertificateKeyRequest{"reused", 0},
        DestroyKeyRequest{"www", "pkcs11:token=t;object=www-3"},
        DeployHookRequest{"www"},
        Goodbye{},
    };
    for (const Request& request : requests) {
        INFO("request type index " << request.index());
        CHECK(decode_request(encode(request)) == request);
    }
}

TEST_CASE("every reply decodes to what was encoded", "[unit]") {
    const std::vector<Response> responses{
        PublicKeyReply{Bytes{0x30, 0x59, 0x30, 0x13}, "pkcs11:token=t;object=web", true, "ec-p256"},
        JwsReply{R"({"protected":"eyJ","payload":"","signature":"c2ln"})"},
        CsrReply{Bytes{0x30, 0x82, 0x01, 0x00, 0x00}},
        Refused{Errc::AuthFailed,
                "the token refused PIN for \xc2\xab"
                "acme\xc2\xbb: CKR_PIN_INCORRECT"},
        Refused{Errc::InvalidArgument, "x"},
        Refused{Errc::Io, "the custody process has no key for role certificate"},
    };
    for (const Response& response : responses) {
        INFO("reply type index " << response.index());
        CHECK(decode_response(encode(response)) == response);
    }
}

TEST_CASE("an absent nonce and kid decode as absent, not as empty", "[unit]") {
    auto decoded = std::get<SignRequest>(
        decode_request(encode(SignRequest{KeyRole::Account, kOrderUrl, {}, {}, "{}"})));
    CHECK_FALSE(decoded.nonce.has_value());
    CHECK_FALSE(decoded.kid.has_value());
}

TEST_CASE("a request and a reply never share a type code", "[unit]") {
    CHECK_THROWS_AS(decode_response(encode(Request{Goodbye{}})), Error);
    CHECK_THROWS_AS(decode_request(encode(Response{JwsReply{"{}"}})), Error);
}
