#include "agent/jose/csr.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <array>
#include <optional>

#include "common/c_handle.h"
#include "common/error.h"
#include "common/openssl_error.h"
#include "keystore/ecdsa_signature.h"
#include "keystore/key_type.h"

namespace hwacme::jose {
namespace {

using GeneralNamePtr = CHandle<GENERAL_NAME, &GENERAL_NAME_free>;
using GeneralNamesPtr = CHandle<GENERAL_NAMES, &GENERAL_NAMES_free>;
using Asn1StringPtr = CHandle<ASN1_STRING, &ASN1_STRING_free>;
using Asn1BitStringPtr = CHandle<ASN1_BIT_STRING, &ASN1_BIT_STRING_free>;
using X509AlgorPtr = CHandle<X509_ALGOR, &X509_ALGOR_free>;

void free_extensions(STACK_OF(X509_EXTENSION) * extensions) {
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}
using ExtensionsPtr = CHandle<STACK_OF(X509_EXTENSION), &free_extensions>;

// RFC 5280 Appendix A: ub-common-name INTEGER ::= 64.
constexpr std::size_t kMaxCommonName = 64;

/// The octets of an IPv4 or IPv6 literal (RFC 5280 §4.2.1.6 iPAddress), or nullopt.
std::optional<Bytes> ip_address_octets(const std::string& name) {
    std::array<std::uint8_t, 16> buffer{};
    if (inet_pton(AF_INET, name.c_str(), buffer.data()) == 1)
        return Bytes(buffer.begin(), buffer.begin() + 4);
    if (inet_pton(AF_INET6, name.c_str(), buffer.data()) == 1)
        return Bytes(buffer.begin(), buffer.end());
    return std::nullopt;
}

// dNSName is an IA5String (RFC 5280 §4.2.1.6); internationalised names must already be
// A-labels (RFC 8555 §7.1.4), so anything outside printable ASCII is a caller mistake.
void check_dns_name(const std::string& name) {
    if (name.empty()) throw Error(Errc::InvalidArgument, "empty name in a certificate request");
    for (const char c : name)
        if (c <= ' ' || c > '~')
            throw Error(Errc::InvalidArgument,
                        "name '" + name + "' is neither an IP address nor an ASCII DNS name");
}

GeneralNamePtr general_name(const std::string& name) {
    GeneralNamePtr entry(GENERAL_NAME_new());
    if (!entry) throw_openssl("cannot allocate a subjectAltName entry");
    const std::optional<Bytes> ip = ip_address_octets(name);
    int type = GEN_IPADD;
    Asn1StringPtr value(ip ? ASN1_OCTET_STRING_new() : ASN1_IA5STRING_new());
    if (!value) throw_openssl("cannot allocate a subjectAltName value");
    if (ip) {
        if (ASN1_OCTET_STRING_set(value.get(), ip->data(), static_cast<int>(ip->size())) != 1)
            throw_openssl("cannot set an iPAddress subjectAltName");
    } else {
        check_dns_name(name);
        type = GEN_DNS;
        if (ASN1_STRING_set(value.get(), name.data(), static_cast<int>(name.size())) != 1)
            throw_openssl("cannot set a dNSName subjectAltName");
    }
    GENERAL_NAME_set0_value(entry.get(), type, value.release());
    return entry;
}

GeneralNamesPtr subject_alt_names(const std::vector<std::string>& names) {
    GeneralNamesPtr all(sk_GENERAL_NAME_new_null());
    if (!all) throw_openssl("cannot allocate the subjectAltName list");
    for (const std::string& name : names) {
        GeneralNamePtr entry = general_name(name);
        if (sk_GENERAL_NAME_push(all.get(), entry.get()) <= 0)
            throw_openssl("cannot add to the subjectAltName list");
        entry.release();  // owned by the list now
    }
    return all;
}

bool is_common_name_candidate(const std::string& name) {
    return name.size() <= kMaxCommonName && !ip_address_octets(name);
}

void set_subject(X509_REQ* request, const std::string& first_name) {
    // CAs take the identifiers from the SAN (RFC 8555 §7.4); the CN only helps older tools, so
    // it is left out when it could not hold the name.
    if (!is_common_name_candidate(first_name)) return;
    X509_NAME* subject = X509_REQ_get_subject_name(request);
    if (X509_NAME_add_entry_by_NID(subject, NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(first_name.data()),
                                   static_cast<int>(first_name.size()), -1, 0) != 1)
        throw_openssl("cannot set the subject common name");
}

void add_subject_alt_names(X509_REQ* request, GENERAL_NAMES* alt_names) {
    const bool subject_is_empty = X509_NAME_entry_count(X509_REQ_get_subject_name(request)) == 0;
    STACK_OF(X509_EXTENSION)* raw_extensions = nullptr;
    // RFC 5280 §4.2.1.6: with an empty subject the subjectAltName extension must be critical.
    if (X509V3_add1_i2d(&raw_extensions, NID_subject_alt_name, alt_names, subject_is_empty ? 1 : 0,
                        X509V3_ADD_DEFAULT) != 1)
        throw_openssl("cannot encode the subjectAltName extension");
    ExtensionsPtr extensions(raw_extensions);
    // PKCS#9 extensionRequest attribute (RFC 2985 §5.4.2), where CAs look for the SAN.
    if (X509_REQ_add_extensions(request, extensions.get()) != 1)
        throw_openssl("cannot add the extension request to the certificate request");
}

void set_signature_algorithm(X509_REQ* request, keystore::KeyType type) {
    const bool sha384 = keystore::signature_hash(type) == keystore::HashAlg::Sha384;
    int nid = NID_sha256WithRSAEncryption;
    // RFC 5758 §3.2: ECDSA AlgorithmIdentifiers have absent parameters; RFC 4055 §5: the RSA
    // PKCS#1 v1.5 ones carry NULL.
    int parameter_type = V_ASN1_NULL;
    if (keystore::is_ec(type)) {
        nid = sha384 ? NID_ecdsa_with_SHA384 : NID_ecdsa_with_SHA256;
        parameter_type = V_ASN1_UNDEF;
    } else if (sha384) {
        throw Error(Errc::Unsupported, "RSA key with a SHA-384 signature hash");
    }
    X509AlgorPtr algorithm(X509_ALGOR_new());
    if (!algorithm ||
        X509_ALGOR_set0(algorithm.get(), OBJ_nid2obj(nid), parameter_type, nullptr) != 1 ||
        X509_REQ_set1_signature_algo(request, algorithm.get()) != 1)
        throw_openssl("cannot set the certificate request's signature algorithm");
}

Bytes to_be_signed(X509_REQ* request) {
    const int length = i2d_re_X509_REQ_tbs(request, nullptr);
    if (length <= 0) throw_openssl("cannot encode the certificationRequestInfo");
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    if (i2d_re_X509_REQ_tbs(request, &cursor) != length)
        throw_openssl("cannot encode the certificationRequestInfo");
    return der;
}

void sign_through_key(X509_REQ* request, const keystore::Key& key) {
    set_signature_algorithm(request, key.type());
    Bytes signature = keystore::sign_message(key, to_be_signed(request));
    // X.509 carries ECDSA signatures as DER Ecdsa-Sig-Value (RFC 3279 §2.2.3), not r||s.
    if (keystore::is_ec(key.type())) signature = keystore::ecdsa_raw_to_der(signature);
    Asn1BitStringPtr bits(ASN1_BIT_STRING_new());
    if (!bits ||
        ASN1_BIT_STRING_set(bits.get(), signature.data(), static_cast<int>(signature.size())) != 1)
        throw_openssl("cannot store the certificate request's signature");
    // A signature is whole octets: no unused bits, and the flag keeps OpenSSL from trimming
    // trailing zero bits when it encodes the BIT STRING.
    bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
    bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
    X509_REQ_set0_signature(request, bits.release());
}

Bytes encode(X509_REQ* request) {
    const int length = i2d_X509_REQ(request, nullptr);
    if (length <= 0) throw_openssl("cannot encode the certificate request");
    Bytes der(static_cast<std::size_t>(length));
    unsigned char* cursor = der.data();
    if (i2d_X509_REQ(request, &cursor) != length)
        throw_openssl("cannot encode the certificate request");
    return der;
}

}  // namespace

Bytes build_csr(const keystore::Key& key, const std::vector<std::string>& names) {
    if (names.empty())
        throw Error(Errc::InvalidArgument, "a certificate request needs at least one name");
    X509ReqPtr request(X509_REQ_new());
    if (!request || X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1)
        throw_openssl("cannot create a certificate request");
    GeneralNamesPtr alt_names = subject_alt_names(names);
    set_subject(request.get(), names.front());
    add_subject_alt_names(request.get(), alt_names.get());
    EvpPkeyPtr public_key = key.public_key();
    if (X509_REQ_set_pubkey(request.get(), public_key.get()) != 1)
        throw_openssl("cannot set the certificate request's public key");
    sign_through_key(request.get(), key);
    // A device that signed with some other key would otherwise surface only as the CA's vague
    // badCSR error (RFC 8555 §7.4); checking here names the key at fault.
    if (X509_REQ_verify(request.get(), public_key.get()) != 1)
        throw_openssl("certificate request signed by " + key.uri() +
                      " does not verify with its public key");
    return encode(request.get());
}

}  // namespace hwacme::jose
