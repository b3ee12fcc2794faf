#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <exception>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "agent/http/tls_alpn01_responder.h"
#include "common/bytes.h"
#include "common/c_handle.h"
#include "common/error.h"

using hwacme::Bytes;
using hwacme::Errc;
using hwacme::Error;
using hwacme::X509Ptr;
using hwacme::http::reverse_dns_name;
using hwacme::http::TlsAlpn01Server;

namespace {

using SslCtxPtr = hwacme::CHandle<SSL_CTX, &SSL_CTX_free>;
using SslPtr = hwacme::CHandle<SSL, &SSL_free>;
using GeneralNamesPtr = hwacme::CHandle<GENERAL_NAMES, &GENERAL_NAMES_free>;

const std::string kKeyAuthorization =
    "LoqXcYV8q5ONbJQxbmR7SCTNo3tiAXDfowyjxAjEuX0.9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI";

/// What a validator learns from one handshake.
struct HandshakeResult {
    bool ok = false;
    std::string alpn;
    X509Ptr peer;
};

/// ALPN names in their wire form (RFC 7301 §3.1): each prefixed by its length.
std::string alpn_wire(const std::vector<std::string>& names) {
    std::string wire;
    for (const auto& name : names) wire += static_cast<char>(name.size()) + name;
    return wire;
}

int connect_loopback(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    return fd;
}

/// An in-process OpenSSL client playing the validator of RFC 8737 §3, offering `alpn` (wire form).
HandshakeResult handshake(std::uint16_t port, const std::string& sni,
                          const std::string& alpn = alpn_wire({"acme-tls/1"})) {
    int fd = connect_loopback(port);
    SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    REQUIRE(ctx);
    // The validation certificate is self-signed by design; the test checks its content instead.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    SslPtr ssl(SSL_new(ctx.get()));
    REQUIRE(ssl);
    SSL_set_fd(ssl.get(), fd);
    SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
    REQUIRE(SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(alpn.data()),
                                static_cast<unsigned>(alpn.size())) == 0);

    HandshakeResult result;
    result.ok = SSL_connect(ssl.get()) == 1;
    if (result.ok) {
        const unsigned char* proto = nullptr;
        unsigned len = 0;
        SSL_get0_alpn_selected(ssl.get(), &proto, &len);
        result.alpn.assign(reinterpret_cast<const char*>(proto), len);
        result.peer.reset(SSL_get1_peer_certificate(ssl.get()));
    }
    ssl.reset();
    ::close(fd);
    return result;
}

Bytes expected_extension_value(const std::string& key_authorization) {
    Bytes value = {0x04, 0x20};
    unsigned char digest[32];
    REQUIRE(EVP_Digest(key_authorization.data(), key_authorization.size(), digest, nullptr,
                       EVP_sha256(), nullptr));
    value.insert(value.end(), digest, digest + 32);
    return value;
}

/// The acmeIdentifier extension's critical flag and extnValue content.
std::pair<bool, Bytes> acme_identifier(X509* cert) {
    auto* oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.31", 1);
    int index = X509_get_ext_by_OBJ(cert, oid, -1);
    ASN1_OBJECT_free(oid);
    REQUIRE(index >= 0);
    X509_EXTENSION* ext = X509_get_ext(cert, index);
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    const unsigned char* p = ASN1_STRING_get0_data(data);
    return {X509_EXTENSION_get_critical(ext) == 1, Bytes(p, p + ASN1_STRING_length(data))};
}

/// The single SAN entry: its type and bytes.
std::pair<int, Bytes> only_san(X509* cert) {
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    REQUIRE(names);
    REQUIRE(sk_GENERAL_NAME_num(names.get()) == 1);
    int type = 0;
    auto* value = static_cast<ASN1_STRING*>(
        GENERAL_NAME_get0_value(sk_GENERAL_NAME_value(names.get(), 0), &type));
    const unsigned char* p = ASN1_STRING_get0_data(value);
    return {type, Bytes(p, p + ASN1_STRING_length(value))};
}

}  // namespace

TEST_CASE("tls-alpn-01 server proves a DNS name with acme-tls/1 and acmeIdentifier", "[unit]") {
    TlsAlpn01Server server({"127.0.0.1"}, 0);
    REQUIRE(server.port() != 0);
    server.provision("Example.COM", kKeyAuthorization);

    auto result = handshake(server.port(), "example.com");
    REQUIRE(result.ok);
    CHECK(result.alpn == "acme-tls/1");
    REQUIRE(result.peer);
    auto [type, san] = only_san(result.peer.get());
    CHECK(type == GEN_DNS);
    CHECK(hwacme::to_string(san) == "example.com");
    auto [critical, value] = acme_identifier(result.peer.get());
    CHECK(critical);
    CHECK(value == expected_extension_value(kKeyAuthorization));
}

TEST_CASE("tls-alpn-01 server proves an IP address under its reverse-DNS SNI", "[unit]") {
    TlsAlpn01Server server({"127.0.0.1"}, 0);
    server.provision("127.0.0.1", kKeyAuthorization);
    server.provision("::1", "other." + kKeyAuthorization);

    auto v4 = handshake(server.port(), "1.0.0.127.in-addr.arpa");
    REQUIRE(v4.ok);
    auto [type, san] = only_san(v4.peer.get());
    CHECK(type == GEN_IPADD);
    CHECK(san == Bytes{127, 0, 0, 1});
    CHECK(acme_identifier(v4.peer.get()).second == expected_extension_value(kKeyAuthorization));

    auto v6 = handshake(server.port(), reverse_dns_name("::1"));
    REQUIRE(v6.ok);
    Bytes loopback6(16, 0);
    loopback6[15] = 1;
    CHECK(only_san(v6.peer.get()).second == loopback6);
    CHECK(acme_identifier(v6.peer.get()).second ==
          expected_extension_value("other." + kKeyAuthorization));

    // The literal itself is not a valid SNI for an IP identifier (RFC 8738 §6).
    CHECK_FALSE(handshake(server.port(), "127.0.0.1").ok);
}

TEST_CASE("tls-alpn-01 server refuses unknown SNI, other ALPN and removed identifiers", "[unit]") {
    TlsAlpn01Server server({"127.0.0.1"}, 0);
    server.provision("example.com", kKeyAuthorization);

    CHECK_FALSE(handshake(server.port(), "other.example.com").ok);
    CHECK_FALSE(handshake(server.port(), "example.com", alpn_wire({"http/1.1"})).ok);
    REQUIRE(handshake(server.port(), "example.com").ok);
    server.remove("example.com");
    CHECK_FALSE(handshake(server.port(), "example.com").ok);
}

TEST_CASE("tls-alpn-01 server answers three concurrent validators", "[unit]") {
    TlsAlpn01Server server({"127.0.0.1"}, 0);
    server.provision("example.com", kKeyAuthorization);
    // A connection that never sends a ClientHello must not hold the others up.
    int idle = connect_loopback(server.port());

    std::vector<int> ok(3, 0);
    std::vector<std::string> alpn(3);
    std::vector<std::thread> validators;
    for (std::size_t i = 0; i < 3; ++i) {
        validators.emplace_back([&, i] {
            auto result = handshake(server.port(), "example.com");
            ok[i] = result.ok;
            alpn[i] = result.alpn;
        });
    }
    for (auto& validator : validators) validator.join();
    ::close(idle);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(ok[i] == 1);
        CHECK(alpn[i] == "acme-tls/1");
    }
}

TEST_CASE("tls-alpn-01 server on a port in use fails with a Network error", "[unit]") {
    TlsAlpn01Server first({"127.0.0.1"}, 0);
    try {
        TlsAlpn01Server second({"127.0.0.1"}, first.port());
        FAIL("bound a port in use");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::Network);
        CHECK_THAT(e.what(), Catch::Contains("127.0.0.1:" + std::to_string(first.port())));
        CHECK_THAT(e.what(), Catch::Contains("in use"));
    }
}

TEST_CASE("tls-alpn-01 server refuses identifiers that are neither DNS names nor IPs", "[unit]") {
    auto responder = hwacme::http::make_tls_alpn01_responder({"127.0.0.1"}, 0);
    for (const char* bad : {"", "*.example.com", "a,DNS:evil.com", "host name"}) {
        try {
            responder->provision(bad, kKeyAuthorization);
            FAIL("accepted " << bad);
        } catch (const Error& e) {
            CHECK(e.code() == Errc::InvalidArgument);
        }
    }
}

TEST_CASE("reverse_dns_name gives the RFC 8738 §6 SNI for IPv4 and IPv6", "[unit]") {
    CHECK(reverse_dns_name("127.0.0.1") == "1.0.0.127.in-addr.arpa");
    CHECK(reverse_dns_name("192.0.2.10") == "10.2.0.192.in-addr.arpa");
    std::string v6_loopback = "1";
    for (int i = 0; i < 31; ++i) v6_loopback += ".0";
    CHECK(reverse_dns_name("::1") == v6_loopback + ".ip6.arpa");
    CHECK(reverse_dns_name("2001:db8::567:89ab") ==
          "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
    CHECK_THROWS_AS(reverse_dns_name("example.com"), Error);
}

namespace {

std::string u16(std::size_t n) {
    return {static_cast<char>(n >> 8), static_cast<char>(n & 0xff)};
}

std::string extension(std::uint16_t type, const std::string& body) {
    return u16(type) + u16(body.size()) + body;
}

/// A TLS 1.2 ClientHello record that a real client would send for `sni`, except that its ALPN
/// extension carries `alpn_body` as given: no client library sends a malformed one.
std::string raw_client_hello(const std::string& sni, const std::string& alpn_body) {
    std::string extensions =
        extension(0x0000, u16(sni.size() + 3) + std::string(1, '\0') + u16(sni.size()) + sni) +
        extension(0x000a, u16(2) + u16(0x0017)) +        // supported_groups: secp256r1
        extension(0x000b, std::string("\x01\x00", 2)) +  // ec_point_formats: uncompressed
        extension(0x000d, u16(2) + u16(0x0403)) +        // ecdsa_secp256r1_sha256
        extension(0x0010, alpn_body);                    // ALPN, hostile
    std::string body = std::string("\x03\x03", 2) + std::string(32, '\x2a') +  // version, random
                       std::string(1, '\0') +                                  // no session id
                       u16(2) + u16(0xc02b) +  // ECDHE-ECDSA-AES128-GCM-SHA256
                       std::string("\x01\x00", 2) + u16(extensions.size()) + extensions;
    std::string handshake = std::string(1, '\x01') + std::string(1, '\0') + u16(body.size()) + body;
    return std::string("\x16\x03\x01", 3) + u16(handshake.size()) + handshake;
}

/// Sends `record` and returns the content type of the first record the server answers with
/// (0x15 alert, 0x16 handshake), or -1 when it closed without one.
int first_answer_type(std::uint16_t port, const std::string& record) {
    int fd = connect_loopback(port);
    REQUIRE(::send(fd, record.data(), record.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(record.size()));
    unsigned char type = 0;
    ssize_t n = ::recv(fd, &type, 1, 0);
    ::close(fd);
    return n == 1 ? type : -1;
}

}  // namespace

TEST_CASE("tls-alpn-01 server picks acme-tls/1 out of a hundred offered protocols", "[unit]") {
    TlsAlpn01Server server({"127.0.0.1"}, 0);
    server.provision("example.com", kKeyAuthorization);
    std::vector<std::string> names;
    for (int i = 0; i < 100; ++i) names.push_back("p" + std::to_string(i));
    auto first = names;
    first.insert(first.begin(), "acme-tls/1");
    auto last = names;
    last.push_back("acme-tls/1");
    for (const auto& offered : {first, last}) {
        auto result = handshake(server.port(), "example.com", alpn_wire(offered));
        REQUIRE(result.ok);
        CHECK(result.alpn == "acme-tls/1");
    }
}

TEST_CASE("tls-alpn-01 server answers hostile ALPN lists with an alert and keeps serving",
          "[unit]") {
    TlsAlpn01Server server({"127.0.0.1"}, 0);
    server.provision("example.com", kKeyAuthorization);
    std::string acme = alpn_wire({"acme-tls/1"});
    struct Case {
        const char* name;
        std::string alpn_body;
    };
    auto hostile =
        GENERATE_COPY(Case{"no extension body", ""}, Case{"an empty list", u16(0)},
                      Case{"a name length past the end", u16(11) + "\x0b" + "acme-tls/1"},
                      Case{"a list length past the end", u16(200) + acme},
                      Case{"an empty name", u16(acme.size() + 1) + acme + std::string(1, '\0')},
                      Case{"bytes after the list", u16(acme.size()) + acme + "xx"});
    INFO(hostile.name);
    CHECK(first_answer_type(server.port(), raw_client_hello("example.com", hostile.alpn_body)) ==
          0x15);
    // The same hello with a well-formed list gets a ServerHello: the builder is not at fault.
    std::string many = alpn_wire({"h2", "http/1.1"}) + acme;
    CHECK(first_answer_type(server.port(),
                            raw_client_hello("example.com", u16(many.size()) + many)) == 0x16);
    REQUIRE(handshake(server.port(), "example.com").ok);
}
