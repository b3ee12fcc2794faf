// Every bound at its limit decodes; one byte (or one item) past it is refused, naming the field.
#include <catch2/catch.hpp>

#include "agent/custody/messages.h"
#include "tests/custody/wire_checks.h"

using namespace hwacme;
using namespace hwacme::custody;
using namespace hwacme::custody::test;
using Catch::Contains;

namespace {

/// An https URL of exactly `size` bytes.
std::string url_of_size(std::size_t size) {
    std::string url = "https://ca.example/";
    return url + std::string(size - url.size(), 'a');
}

Bytes sign_request(std::string url, std::optional<std::string> nonce,
                   std::optional<std::string> kid, std::string payload = "{}") {
    return encode(SignRequest{KeyRole::Account, std::move(url), std::move(nonce), std::move(kid),
                              std::move(payload)});
}

Bytes csr_request(std::vector<std::string> names) {
    return encode(CsrRequest{std::move(names)});
}

/// `count` distinct names.
std::vector<std::string> names(std::size_t count) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < count; ++i) out.push_back("host" + std::to_string(i) + ".example");
    return out;
}

}  // namespace

TEST_CASE("sign request: url and kid hold up to 2048 bytes", "[unit]") {
    CHECK_NOTHROW(decode_request(sign_request(url_of_size(kMaxUrlBytes), "n", kOrderUrl)));
    CHECK_THAT(request_error(sign_request(url_of_size(kMaxUrlBytes + 1), "n", kOrderUrl)),
               Contains("sign request: url has 2049 bytes, more than 2048"));
    CHECK_NOTHROW(decode_request(sign_request(kOrderUrl, "n", url_of_size(kMaxUrlBytes))));
    CHECK_THAT(request_error(sign_request(kOrderUrl, "n", url_of_size(kMaxUrlBytes + 1))),
               Contains("sign request: kid has 2049 bytes"));
}

TEST_CASE("sign request: url and kid must be https URLs of visible ASCII", "[unit]") {
    CHECK_THAT(request_error(sign_request("http://ca.example/", {}, {})),
               Contains("sign request: url is not an https URL"));
    CHECK_THAT(request_error(sign_request("https://", {}, {})), Contains("url is not an https"));
    CHECK_THAT(request_error(sign_request("https://ca.example/a b", {}, {})),
               Contains("sign request: url has a character outside visible ASCII"));
    CHECK_THAT(request_error(sign_request(kOrderUrl, {}, "https://ca.example/\x7f")),
               Contains("sign request: kid has a character outside visible ASCII"));
    CHECK_THAT(request_error(sign_request(kOrderUrl, {}, "")),
               Contains("sign request: kid has 0 bytes"));
}

TEST_CASE("sign request: nonce holds 1..512 base64url characters", "[unit]") {
    CHECK_NOTHROW(decode_request(sign_request(kOrderUrl, std::string(kMaxNonceBytes, 'A'), {})));
    CHECK_THAT(request_error(sign_request(kOrderUrl, std::string(kMaxNonceBytes + 1, 'A'), {})),
               Contains("sign request: nonce has 513 bytes, more than 512"));
    CHECK_THAT(request_error(sign_request(kOrderUrl, "", {})),
               Contains("sign request: nonce has 0 bytes, fewer than 1"));
    CHECK_THAT(request_error(sign_request(kOrderUrl, "abc+/=", {})),
               Contains("sign request: nonce has a character outside base64url"));
}

TEST_CASE("sign request: payload holds up to 128 KiB of any bytes", "[unit]") {
    CHECK_NOTHROW(
        decode_request(sign_request(kOrderUrl, {}, {}, std::string(kMaxPayloadBytes, '\0'))));
    CHECK_THAT(
        request_error(sign_request(kOrderUrl, {}, {}, std::string(kMaxPayloadBytes + 1, 'x'))),
        Contains("sign request: payload has 131073 bytes"));
}

TEST_CASE("CSR request: 1..100 names of 1..253 bytes", "[unit]") {
    CHECK_NOTHROW(decode_request(csr_request(names(kMaxNames))));
    CHECK_THAT(request_error(csr_request(names(kMaxNames + 1))),
               Contains("CSR request: name count is 101, not 1..100"));
    CHECK_THAT(request_error(csr_request({})), Contains("CSR request: name count is 0"));
    std::string longest = std::string(kMaxNameBytes - 4, 'a') + ".com";
    CHECK_NOTHROW(decode_request(csr_request({longest})));
    CHECK_THAT(request_error(csr_request({"a" + longest})),
               Contains("CSR request: name has 254 bytes, more than 253"));
    CHECK_THAT(request_error(csr_request({""})), Contains("CSR request: name has 0 bytes"));
}

TEST_CASE("CSR request: names are DNS names, wildcards or IP addresses, each once", "[unit]") {
    CHECK_NOTHROW(decode_request(csr_request({"*.a-b.Example.COM", "10.0.0.1", "::1"})));
    for (std::string bad : {"under_score.example", "a/b", "a b", "caf\xc3\xa9.example", "a\n"})
        CHECK_THAT(request_error(csr_request({bad})),
                   Contains("CSR request: name has a character outside A-Z a-z 0-9 . - * :"));
    CHECK_THAT(request_error(csr_request({"example.com", "www.example.com", "Example.COM"})),
               Contains("CSR request: name 'Example.COM' is listed twice"));
}

TEST_CASE("key change request: both URLs follow the URL rules", "[unit]") {
    CHECK_NOTHROW(decode_request(
        encode(KeyChangeRequest{url_of_size(kMaxUrlBytes), url_of_size(kMaxUrlBytes)})));
    CHECK_THAT(request_error(encode(KeyChangeRequest{url_of_size(kMaxUrlBytes + 1), kOrderUrl})),
               Contains("key change request: url has 2049 bytes"));
    CHECK_THAT(request_error(encode(KeyChangeRequest{kOrderUrl, url_of_size(kMaxUrlBytes + 1)})),
               Contains("key change request: account URL has 2049 bytes"));
    CHECK_THAT(request_error(encode(KeyChangeRequest{kOrderUrl, "ftp://ca.example/"})),
               Contains("key change request: account URL is not an https URL"));
}

TEST_CASE("EAB request: kid holds 1..256 bytes of printable ASCII", "[unit]") {
    CHECK_NOTHROW(decode_request(encode(EabRequest{std::string(kMaxEabKidBytes, 'k'), kOrderUrl})));
    CHECK_THAT(request_error(encode(EabRequest{std::string(kMaxEabKidBytes + 1, 'k'), kOrderUrl})),
               Contains("EAB request: kid has 257 bytes, more than 256"));
    CHECK_THAT(request_error(encode(EabRequest{"", kOrderUrl})),
               Contains("EAB request: kid has 0"));
    CHECK_THAT(request_error(encode(EabRequest{"kid\t1", kOrderUrl})),
               Contains("EAB request: kid has a character outside printable ASCII"));
    CHECK_THAT(request_error(encode(EabRequest{"kid", "http://ca.example/"})),
               Contains("EAB request: url is not an https URL"));
}

TEST_CASE("public key reply: 1..4096 bytes of SPKI", "[unit]") {
    CHECK_NOTHROW(decode_response(
        encode(PublicKeyReply{Bytes(kMaxSpkiBytes, 0x30), "file:/k.pem", false, "ec-p256"})));
    CHECK_THAT(response_error(encode(PublicKeyReply{Bytes(kMaxSpkiBytes + 1, 0x30), "file:/k.pem",
                                                    false, "ec-p256"})),
               Contains("public key reply: SPKI has 4097 bytes, more than 4096"));
    CHECK_THAT(response_error(encode(PublicKeyReply{{}, "file:/k.pem", false, "ec-p256"})),
               Contains("SPKI has 0 bytes"));
}

TEST_CASE("JWS reply: printable ASCII filling at most one frame", "[unit]") {
    Bytes largest = encode(JwsReply{std::string(kMaxJwsBytes, 'e')});
    CHECK(largest.size() == kMaxFrameBytes);
    CHECK_NOTHROW(decode_response(largest));
    CHECK_THAT(response_error(encode(JwsReply{std::string(kMaxJwsBytes + 1, 'e')})),
               Contains("JWS reply: JWS has 262139 bytes"));
    CHECK_THAT(response_error(encode(JwsReply{"{\"a\":\n1}"})),
               Contains("JWS reply: JWS has a character outside printable ASCII"));
    CHECK_THAT(response_error(encode(JwsReply{""})), Contains("JWS has 0 bytes"));
}

TEST_CASE("CSR reply: 1..64 KiB of DER", "[unit]") {
    CHECK_NOTHROW(decode_response(encode(CsrReply{Bytes(kMaxCsrBytes, 0x30)})));
    CHECK_THAT(response_error(encode(CsrReply{Bytes(kMaxCsrBytes + 1, 0x30)})),
               Contains("CSR reply: CSR has 65537 bytes, more than 65536"));
}

TEST_CASE("refusal: a message of 1..1024 bytes of printable UTF-8", "[unit]") {
    CHECK_NOTHROW(
        decode_response(encode(Refused{Errc::Custody, std::string(kMaxRefusalBytes, 'm')})));
    CHECK_THAT(
        response_error(encode(Refused{Errc::Custody, std::string(kMaxRefusalBytes + 1, 'm')})),
        Contains("refusal: message has 1025 bytes, more than 1024"));
    CHECK_THAT(response_error(encode(Refused{Errc::Custody, ""})), Contains("message has 0"));
    for (std::string bad : {"red \x1b[31m", "two\nlines", "tab\there", "bad \xc3", "c1 \xc2\x85",
                            "overlong \xc0\xaf", "bidi \xe2\x80\xae"})
        CHECK_THAT(response_error(encode(Refused{Errc::Custody, bad})),
                   Contains("refusal: message is not printable UTF-8"));
}

TEST_CASE("certificate key, destroy and deploy requests: a configured name of 1..255 bytes",
          "[unit]") {
    std::string longest(kMaxCertificateNameBytes, 'w');
    CHECK(std::get<CertificateKeyRequest>(
              decode_request(encode(CertificateKeyRequest{longest, 4294967295U})))
              .generation == 4294967295U);
    CHECK_THAT(request_error(encode(CertificateKeyRequest{longest + "w", 1})),
               Contains("certificate key request: certificate"));
    CHECK_THAT(request_error(encode(DeployHookRequest{""})),
               Contains("deploy hook request: certificate"));
    for (std::string name : {"../www", "www/x", "www example", "www\n", "*.www"})
        CHECK_THAT(request_error(encode(DeployHookRequest{name})),
                   Contains("certificate has a character outside A-Z a-z 0-9 . - _"));
    for (std::string name : {".", ".."})
        CHECK_THAT(request_error(encode(DestroyKeyRequest{name, "file:/k.pem"})),
                   Contains("destroy key request: certificate is '" + name + "', not a name"));
}

TEST_CASE("destroy key request: a key URI of visible ASCII up to 2048 bytes", "[unit]") {
    std::string uri = "pkcs11:object=" + std::string(kMaxKeyUriBytes - 14, 'k');
    CHECK(std::get<DestroyKeyRequest>(decode_request(encode(DestroyKeyRequest{"www", uri})))
              .key_uri == uri);
    CHECK_THAT(request_error(encode(DestroyKeyRequest{"www", uri + "k"})),
               Contains("destroy key request: key URI"));
    CHECK_THAT(request_error(encode(DestroyKeyRequest{"www", "file:/a key.pem"})),
               Contains("key URI has a character outside visible ASCII"));
}
