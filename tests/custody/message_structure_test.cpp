// The frame around the fields: type, version, field lengths, presence flags, leftovers.
#include <catch2/catch.hpp>

#include "agent/custody/messages.h"
#include "tests/custody/wire_checks.h"

using namespace hwacme;
using namespace hwacme::custody;
using namespace hwacme::custody::test;
using Catch::Contains;

namespace {

// Offsets into encodings: type and version (2), then a field's u32 length (4) and its bytes.
constexpr std::size_t kFirstValue = 2 + 4;
constexpr std::size_t kNoncePresence = kFirstValue + 1 + 4 + 33 + 4;

Bytes sign_request_without_nonce() {
    Bytes body = encode(SignRequest{KeyRole::Account, kOrderUrl, {}, {}, "{}"});
    REQUIRE(kOrderUrl.size() == 33);
    REQUIRE(body[kNoncePresence] == 0);
    return body;
}

}  // namespace

TEST_CASE("a body too short for a type and a version is refused", "[unit]") {
    CHECK_THAT(request_error({}),
               Contains("custody request: too short for a type and a version (0 of 2 bytes)"));
    CHECK_THAT(response_error(Bytes{0x81}),
               Contains("custody reply: too short for a type and a version (1 of 2"));
}

TEST_CASE("an unknown message type is refused", "[unit]") {
    for (std::uint8_t type : {0x00, 0x0c, 0x80, 0xff})
        CHECK_THAT(request_error(Bytes{type, kProtocolVersion}),
                   Contains("custody request: unknown message type " + std::to_string(type)));
    CHECK_THAT(response_error(Bytes{0x06, kProtocolVersion}),
               Contains("custody reply: unknown message type 6"));
}

TEST_CASE("another protocol version is refused, naming the message", "[unit]") {
    Bytes body = encode(Request{Goodbye{}});
    for (std::uint8_t version : {0, 1, 255}) {
        body[1] = version;
        CHECK_THAT(request_error(body), Contains("goodbye: protocol version " +
                                                 std::to_string(version) + ", expected 3"));
    }
}

TEST_CASE("bytes after the last field are refused", "[unit]") {
    Bytes goodbye = encode(Request{Goodbye{}});
    goodbye.push_back(0);
    CHECK_THAT(request_error(goodbye), Contains("goodbye: 1 byte after the last field"));
    Bytes sign = sign_request_without_nonce();
    sign.insert(sign.end(), {0, 0, 0, 0});
    CHECK_THAT(request_error(sign), Contains("sign request: 4 bytes after the last field"));
    Bytes refusal = encode(Response{Refused{Errc::Io, "gone"}});
    refusal.push_back('!');
    CHECK_THAT(response_error(refusal), Contains("refusal: 1 byte after the last field"));
}

TEST_CASE("every truncation of a request or reply is refused", "[unit]") {
    const std::vector<Bytes> bodies{
        encode(SignRequest{KeyRole::Account, kOrderUrl, "nonce", kOrderUrl, "{}"}),
        encode(CsrRequest{{"a.example", "b.example"}}),
        encode(KeyChangeRequest{kOrderUrl, kOrderUrl}),
        encode(EabRequest{"kid", kOrderUrl}),
        encode(PublicKeyRequest{KeyRole::Certificate}),
    };
    for (const Bytes& body : bodies)
        for (std::size_t size = 2; size < body.size(); ++size) {
            INFO("type " << int(body[0]) << " cut to " << size << " of " << body.size());
            request_error(ByteView(body).first(size));
        }
    const std::vector<Bytes> replies{
        encode(PublicKeyReply{{0x30}, "file:/k.pem", false, "ec-p256"}), encode(JwsReply{"{}"}),
        encode(CsrReply{{0x30}}), encode(Refused{Errc::Io, "x"})};
    for (const Bytes& body : replies)
        for (std::size_t size = 2; size < body.size(); ++size)
            response_error(ByteView(body).first(size));
}

TEST_CASE("a field cut short or missing names the field", "[unit]") {
    Bytes body = sign_request_without_nonce();
    CHECK_THAT(request_error(ByteView(body).first(kFirstValue + 1 + 4 + 10)),
               Contains("sign request: url is cut short: 33 bytes declared, 10 left"));
    CHECK_THAT(request_error(ByteView(body).first(kFirstValue + 1 + 4 + 33)),
               Contains("sign request: nonce is missing"));
}

TEST_CASE("a length over a field's bound is refused before the bytes it claims", "[unit]") {
    Bytes body = sign_request_without_nonce();
    std::fill_n(body.begin() + kFirstValue + 1, 4, 0xff);
    CHECK_THAT(request_error(body), Contains("sign request: url has 4294967295 bytes, more than"));
}

TEST_CASE("a presence flag other than 0 or 1 is refused", "[unit]") {
    Bytes body = sign_request_without_nonce();
    for (std::uint8_t flag : {2, 0x80, 0xff}) {
        body[kNoncePresence] = flag;
        CHECK_THAT(request_error(body), Contains("sign request: nonce has presence flag " +
                                                 std::to_string(flag) + ", not 0 or 1"));
    }
}

TEST_CASE("a key role outside Account, Certificate and NewAccountKey is refused", "[unit]") {
    Bytes body = encode(PublicKeyRequest{KeyRole::Account});
    for (std::uint8_t role : {0, 4, 0xff}) {
        body[kFirstValue] = role;
        CHECK_THAT(request_error(body), Contains("public key request: role is " +
                                                 std::to_string(role) + ", not a key role"));
    }
}

TEST_CASE("a refusal's category must be one of hwacme's error categories", "[unit]") {
    Bytes body = encode(Refused{Errc::InvalidArgument, "no"});
    body[kFirstValue] = static_cast<std::uint8_t>(Errc::Io);
    CHECK(std::get<Refused>(decode_response(body)).category == Errc::Io);
    body[kFirstValue] = static_cast<std::uint8_t>(Errc::Io) + 1;
    CHECK_THAT(response_error(body), Contains("refusal: category is 13, not an error category"));
}

TEST_CASE("a CSR request's name count past the bound is refused before any name", "[unit]") {
    Bytes body = encode(CsrRequest{{"a.example"}});
    std::fill_n(body.begin() + kFirstValue, 4, 0xff);
    CHECK_THAT(request_error(body), Contains("CSR request: name count is 4294967295"));
}
