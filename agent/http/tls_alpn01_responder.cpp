#include "agent/http/tls_alpn01_responder.h"

#include <arpa/inet.h>

#include <cctype>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <boost/asio/ip/tcp.hpp>

#include "agent/http/challenge_listener.h"
#include "agent/http/client_hello.h"
#include "agent/http/tls_handshake.h"
#include "common/c_handle.h"
#include "common/error.h"
#include "common/log.h"
#include "common/openssl_error.h"

namespace hwacme::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

using SslCtxPtr = CHandle<SSL_CTX, &SSL_CTX_free>;
using Asn1ObjectPtr = CHandle<ASN1_OBJECT, &ASN1_OBJECT_free>;
using Asn1OctetStringPtr = CHandle<ASN1_OCTET_STRING, &ASN1_OCTET_STRING_free>;
using X509ExtensionPtr = CHandle<X509_EXTENSION, &X509_EXTENSION_free>;
using GeneralNamesPtr = CHandle<GENERAL_NAMES, &GENERAL_NAMES_free>;

// RFC 8737 §6.1: id-pe-acmeIdentifier.
constexpr const char* kAcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

/// A throwaway key and the self-signed validation certificate made from it.
struct ValidationCert {
    EvpPkeyPtr key;
    X509Ptr cert;
};

/// The identifier as the certificate names it and the SNI a validator sends for it.
struct ParsedIdentifier {
    std::string sni;
    bool is_ip = false;
};

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

ParsedIdentifier parse_identifier(const std::string& identifier) {
    in6_addr ip{};
    if (inet_pton(AF_INET, identifier.c_str(), &ip) == 1 ||
        inet_pton(AF_INET6, identifier.c_str(), &ip) == 1) {
        return {reverse_dns_name(identifier), true};
    }
    // RFC 8737 §3 names a dNSName; letters, digits, '-' and '.' (RFC 1123 §2.1) keep anything
    // else — wildcards included, which tls-alpn-01 cannot prove — out of the certificate.
    bool valid = !identifier.empty() && identifier.size() <= 253;
    for (char c : identifier)
        valid = valid && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.');
    if (!valid) {
        throw Error(Errc::InvalidArgument, "tls-alpn-01: identifier \"" +
                                               log::printable(identifier, 100) +
                                               "\" is neither a DNS name nor an IP address");
    }
    return {lowercase(identifier), false};
}

GeneralNamesPtr subject_alt_name(const std::string& identifier, bool is_ip) {
    GeneralNamesPtr names(GENERAL_NAMES_new());
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (!names || !name) throw_openssl("tls-alpn-01: cannot allocate subjectAltName");
    sk_GENERAL_NAME_push(names.get(), name);
    if (is_ip) {
        // RFC 8738 §6: the iPAddress SAN in network byte order.
        ASN1_OCTET_STRING* ip = a2i_IPADDRESS(identifier.c_str());
        if (!ip) throw_openssl("tls-alpn-01: cannot encode IP " + identifier);
        GENERAL_NAME_set0_value(name, GEN_IPADD, ip);
    } else {
        ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
        if (!dns || !ASN1_STRING_set(dns, identifier.data(), static_cast<int>(identifier.size()))) {
            ASN1_IA5STRING_free(dns);
            throw_openssl("tls-alpn-01: cannot encode DNS name " + identifier);
        }
        GENERAL_NAME_set0_value(name, GEN_DNS, dns);
    }
    return names;
}

/// RFC 8737 §3: critical id-pe-acmeIdentifier whose extnValue is the DER of
/// Authorization ::= OCTET STRING (SIZE (32)) holding SHA-256 of the key authorization.
X509ExtensionPtr acme_identifier_extension(const std::string& key_authorization) {
    unsigned char digest[32];
    if (!EVP_Digest(key_authorization.data(), key_authorization.size(), digest, nullptr,
                    EVP_sha256(), nullptr)) {
        throw_openssl("tls-alpn-01: SHA-256 failed");
    }
    Asn1OctetStringPtr inner(ASN1_OCTET_STRING_new());
    Asn1OctetStringPtr outer(ASN1_OCTET_STRING_new());
    Asn1ObjectPtr oid(OBJ_txt2obj(kAcmeIdentifierOid, 1));
    if (!inner || !outer || !oid || !ASN1_OCTET_STRING_set(inner.get(), digest, sizeof digest)) {
        throw_openssl("tls-alpn-01: cannot build acmeIdentifier");
    }
    unsigned char* der = nullptr;
    int der_len = i2d_ASN1_OCTET_STRING(inner.get(), &der);
    if (der_len <= 0) throw_openssl("tls-alpn-01: cannot encode acmeIdentifier");
    bool set = ASN1_OCTET_STRING_set(outer.get(), der, der_len);
    OPENSSL_free(der);
    X509ExtensionPtr ext(set ? X509_EXTENSION_create_by_OBJ(nullptr, oid.get(), 1, outer.get())
                             : nullptr);
    if (!ext) throw_openssl("tls-alpn-01: cannot build acmeIdentifier");
    return ext;
}

/// These certificates only prove control of the identifier to the CA and are discarded after
/// validation; their keys are not the operator's, so generating them in software is right and
/// keeps the hardware key stores out of the handshake path.
ValidationCert make_validation_cert(const std::string& identifier, bool is_ip,
                                    const std::string& key_authorization) {
    ValidationCert out;
    out.key.reset(EVP_EC_gen("P-256"));
    out.cert.reset(X509_new());
    if (!out.key || !out.cert) throw_openssl("tls-alpn-01: cannot generate P-256 key");
    X509* x = out.cert.get();
    unsigned char serial[16];
    BignumPtr serial_bn(RAND_bytes(serial, sizeof serial) == 1
                            ? BN_bin2bn(serial, sizeof serial, nullptr)
                            : nullptr);
    // A fixed CN: RFC 8737 §3 puts the identifier in the SAN only, and CN is capped at 64 bytes.
    X509_NAME* name = X509_get_subject_name(x);
    const auto* cn = reinterpret_cast<const unsigned char*>("hwacme tls-alpn-01");
    auto sans = subject_alt_name(identifier, is_ip);
    auto acme_ext = acme_identifier_extension(key_authorization);
    bool ok = serial_bn && X509_set_version(x, X509_VERSION_3) &&
              BN_to_ASN1_INTEGER(serial_bn.get(), X509_get_serialNumber(x)) &&
              X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) &&
              X509_set_issuer_name(x, name) && X509_gmtime_adj(X509_getm_notBefore(x), -3600) &&
              X509_gmtime_adj(X509_getm_notAfter(x), 7 * 24 * 3600) &&
              X509_set_pubkey(x, out.key.get()) &&
              X509_add1_ext_i2d(x, NID_subject_alt_name, sans.get(), 0, X509V3_ADD_REPLACE) &&
              X509_add_ext(x, acme_ext.get(), -1) && X509_sign(x, out.key.get(), EVP_sha256());
    if (!ok) throw_openssl("tls-alpn-01: cannot make the validation certificate");
    return out;
}

std::string_view client_hello_ext(SSL* ssl, unsigned type) {
    const unsigned char* data = nullptr;
    std::size_t len = 0;
    if (!SSL_client_hello_get0_ext(ssl, type, &data, &len)) return {};
    return {reinterpret_cast<const char*>(data), len};
}

}  // namespace

struct TlsAlpn01Server::Impl {
    std::mutex mutex;  // guards certs: the I/O thread reads, provision/remove write
    std::map<std::string, std::shared_ptr<const ValidationCert>> certs;  // by SNI
    SslCtxPtr ctx;
    // Declared after the context and certificates: destroying it ends the handshakes first.
    ChallengeListener listener;

    Impl(const std::vector<std::string>& bind_addresses, std::uint16_t port)
        : listener("tls-alpn-01 server", bind_addresses, port) {
        make_context();
    }

    /// Picks the certificate at ClientHello time, before any cipher or certificate choice;
    /// RFC 8737 §3 lets the server refuse a hello without acme-tls/1 or an unknown SNI. The
    /// extensions are raw peer bytes here: OpenSSL parses them only after this callback.
    static int on_client_hello(SSL* ssl, int* alert, void* arg) {
        auto* self = static_cast<Impl*>(arg);
        if (!alpn_extension_offers(
                client_hello_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation),
                kAcmeTls1)) {
            *alert = SSL_AD_NO_APPLICATION_PROTOCOL;
            return SSL_CLIENT_HELLO_ERROR;
        }
        std::string sni = sni_host_name(client_hello_ext(ssl, TLSEXT_TYPE_server_name));
        std::shared_ptr<const ValidationCert> cert;
        {
            std::lock_guard lock(self->mutex);
            auto it = self->certs.find(sni);
            if (it != self->certs.end()) cert = it->second;
        }
        // SSL_use_* take their own references, so remove() during the handshake is safe.
        if (!cert || !SSL_use_certificate(ssl, cert->cert.get()) ||
            !SSL_use_PrivateKey(ssl, cert->key.get())) {
            log::debug("tls-alpn-01 server: no certificate for SNI \"" + log::printable(sni, 100) +
                       "\"");
            *alert = SSL_AD_UNRECOGNIZED_NAME;
            return SSL_CLIENT_HELLO_ERROR;
        }
        return SSL_CLIENT_HELLO_SUCCESS;
    }

    /// `*out` and `*out_len` name the acme-tls/1 entry inside `in`: find_alpn_protocol returns a
    /// sub-span of the list it is given, so the length can never reach past OpenSSL's buffer.
    static int on_alpn_select(SSL*, const unsigned char** out, unsigned char* out_len,
                              const unsigned char* in, unsigned in_len, void*) {
        auto chosen = find_alpn_protocol({in, in_len}, kAcmeTls1);
        if (chosen.empty()) return SSL_TLSEXT_ERR_ALERT_FATAL;
        *out = chosen.data();
        *out_len = static_cast<unsigned char>(chosen.size());
        return SSL_TLSEXT_ERR_OK;
    }

    void make_context() {
        ctx.reset(SSL_CTX_new(TLS_server_method()));
        if (!ctx || !SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION)) {
            throw_openssl("tls-alpn-01: cannot create the TLS context");
        }
        // A peer that stalls between records then holds no idle record buffers (~34 KiB).
        SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
        SSL_CTX_set_client_hello_cb(ctx.get(), &Impl::on_client_hello, this);
        SSL_CTX_set_alpn_select_cb(ctx.get(), &Impl::on_alpn_select, this);
    }
};

TlsAlpn01Server::TlsAlpn01Server(const std::vector<std::string>& bind_addresses, std::uint16_t port)
    : impl_(std::make_unique<Impl>(bind_addresses, port)) {
    impl_->listener.start([impl = impl_.get()](tcp::socket socket, ConnectionBudget& budget) {
        start_tls_handshake(std::move(socket), impl->ctx.get(), budget);
    });
}

TlsAlpn01Server::~TlsAlpn01Server() = default;

std::uint16_t TlsAlpn01Server::port() const {
    return impl_->listener.port();
}

void TlsAlpn01Server::provision(const std::string& identifier,
                                const std::string& key_authorization) {
    auto parsed = parse_identifier(identifier);
    auto cert = std::make_shared<const ValidationCert>(make_validation_cert(
        parsed.is_ip ? identifier : parsed.sni, parsed.is_ip, key_authorization));
    std::lock_guard lock(impl_->mutex);
    impl_->certs[parsed.sni] = std::move(cert);
}

void TlsAlpn01Server::remove(const std::string& identifier) {
    auto parsed = parse_identifier(identifier);
    std::lock_guard lock(impl_->mutex);
    impl_->certs.erase(parsed.sni);
}

std::unique_ptr<TlsAlpn01Responder> make_tls_alpn01_responder(
    const std::vector<std::string>& bind_addresses, std::uint16_t port) {
    return std::make_unique<TlsAlpn01Server>(bind_addresses, port);
}

std::string reverse_dns_name(const std::string& ip_literal) {
    static constexpr char kHex[] = "0123456789abcdef";
    unsigned char bytes[16];
    if (inet_pton(AF_INET, ip_literal.c_str(), bytes) == 1) {
        // RFC 1035 §3.5: the four octets in reverse order under in-addr.arpa.
        std::string name;
        for (int i = 3; i >= 0; --i) name += std::to_string(bytes[i]) + ".";
        return name + "in-addr.arpa";
    }
    if (inet_pton(AF_INET6, ip_literal.c_str(), bytes) == 1) {
        // RFC 3596 §2.5: all 32 nibbles, least significant first, under ip6.arpa.
        std::string name;
        for (int i = 15; i >= 0; --i) {
            name += kHex[bytes[i] & 0xf];
            name += '.';
            name += kHex[bytes[i] >> 4];
            name += '.';
        }
        return name + "ip6.arpa";
    }
    throw Error(Errc::InvalidArgument,
                "\"" + log::printable(ip_literal, 100) + "\" is not an IP address");
}

}  // namespace hwacme::http
