#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace hwacme::http {

/// Answers tls-alpn-01 validations (RFC 8737): a TLS server that, for a ClientHello offering ALPN
/// "acme-tls/1" with an SNI it has been provisioned for, completes the handshake with a
/// self-signed certificate whose SAN is that identifier and whose critical acmeIdentifier
/// extension (id-pe-acmeIdentifier, 1.3.6.1.5.5.7.1.31) holds SHA-256(key authorization) as an
/// ASN.1 OCTET STRING; then closes. Other ClientHellos are refused.
class TlsAlpn01Responder {
public:
    virtual ~TlsAlpn01Responder() = default;
    /// identifier: a DNS name, or an IP literal (RFC 8738 §6: SNI is then the reverse-DNS name,
    /// e.g. "1.0.0.127.in-addr.arpa" / the ip6.arpa form, and the certificate SAN is the
    /// iPAddress). Error{InvalidArgument} for an identifier that is neither.
    virtual void provision(const std::string& identifier, const std::string& key_authorization) = 0;
    virtual void remove(const std::string& identifier) = 0;
};

/// The built-in tls-alpn-01 server (OpenSSL 3). One I/O thread accepts connections and runs their
/// handshakes side by side on non-blocking sockets (Pebble validates from three places at once),
/// closing each right after its handshake, as RFC 8737 §3 asks of the validator, or at
/// kExchangeDeadline; at most connection_capacity() are open, a new one closing the oldest
/// (connection_budget.h). Binds in the constructor, stops and joins in the destructor.
/// provision/remove are thread-safe.
class TlsAlpn01Server final : public TlsAlpn01Responder {
public:
    /// `bind_addresses`: IPv4 or IPv6 literals, or none for every address of both families
    /// (listen.h); port 0 lets the kernel choose (see port()).
    /// Errors: Error{InvalidArgument} for an address that is not an IP literal,
    /// Error{Network} "cannot listen on ADDR:PORT: address already in use" and the like.
    TlsAlpn01Server(const std::vector<std::string>& bind_addresses, std::uint16_t port);
    ~TlsAlpn01Server() override;
    TlsAlpn01Server(const TlsAlpn01Server&) = delete;
    TlsAlpn01Server& operator=(const TlsAlpn01Server&) = delete;

    /// The port actually bound: the one asked for, or the kernel's choice for port 0.
    std::uint16_t port() const;

    /// Makes the validation certificate now (Error{Crypto} if OpenSSL fails) and replaces any
    /// earlier one for the same identifier.
    void provision(const std::string& identifier, const std::string& key_authorization) override;
    void remove(const std::string& identifier) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

std::unique_ptr<TlsAlpn01Responder> make_tls_alpn01_responder(
    const std::vector<std::string>& bind_addresses, std::uint16_t port);

/// The reverse-DNS name RFC 8738 §6 uses as SNI for an IP identifier: "1.0.0.127.in-addr.arpa",
/// or 32 reversed nibbles + ".ip6.arpa". Error{InvalidArgument} for a string that is no IP literal.
std::string reverse_dns_name(const std::string& ip_literal);

}  // namespace hwacme::http
