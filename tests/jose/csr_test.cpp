#include <arpa/inet.h>
#include <openssl/obj_mac.h>
#include <openssl/x509v3.h>
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "agent/jose/csr.h"
#include "common/error.h"
#include "memory_key.h"

using namespace hwacme;
using keystore::KeyType;

namespace {

using GeneralNamesPtr = CHandle<GENERAL_NAMES, &GENERAL_NAMES_free>;
void free_extensions(STACK_OF(X509_EXTENSION) * extensions) {
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
}
using ExtensionsPtr = CHandle<STACK_OF(X509_EXTENSION), &free_extensions>;

X509ReqPtr parse(const Bytes& der) {
    const unsigned char* cursor = der.data();
    X509ReqPtr request(d2i_X509_REQ(nullptr, &cursor, static_cast<long>(der.size())));
    REQUIRE(request);
    CHECK(cursor == der.data() + der.size());
    return request;
}

std::string text_of_ip(const ASN1_OCTET_STRING* octets) {
    char text[INET6_ADDRSTRLEN] = {};
    const int family = ASN1_STRING_length(octets) == 4 ? AF_INET : AF_INET6;
    REQUIRE(inet_ntop(family, ASN1_STRING_get0_data(octets), text, sizeof text) != nullptr);
    return text;
}

struct SubjectAltNames {
    std::vector<std::string> entries;  // "DNS:name" or "IP:address"
    bool critical = false;
};

SubjectAltNames subject_alt_names(X509_REQ* request) {
    ExtensionsPtr extensions(X509_REQ_get_extensions(request));
    REQUIRE(extensions);
    int critical = -1;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509V3_get_d2i(extensions.get(), NID_subject_alt_name, &critical, nullptr)));
    REQUIRE(names);
    SubjectAltNames result;
    result.critical = critical == 1;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) {
            const ASN1_IA5STRING* dns = name->d.dNSName;
            result.entries.push_back(
                "DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                     static_cast<std::size_t>(ASN1_STRING_length(dns))));
        } else if (name->type == GEN_IPADD) {
            result.entries.push_back("IP:" + text_of_ip(name->d.iPAddress));
        } else {
            result.entries.push_back("other");
        }
    }
    return result;
}

std::string common_name(X509_REQ* request) {
    const X509_NAME* subject = X509_REQ_get_subject_name(request);
    const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (index < 0) return "";
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
    return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
            static_cast<std::size_t>(ASN1_STRING_length(value))};
}

void require_error(const std::vector<std::string>& names, Errc code) {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP256));
    try {
        jose::build_csr(key, names);
        FAIL("expected an Error");
    } catch (const Error& error) {
        CHECK(error.code() == code);
    }
}

}  // namespace

TEST_CASE("key signs a CSR for DNS names and an IP that OpenSSL verifies", "[unit]") {
    const auto [type, signature_nid] =
        GENERATE(std::pair{KeyType::EcP256, NID_ecdsa_with_SHA256},
                 std::pair{KeyType::EcP384, NID_ecdsa_with_SHA384},
                 std::pair{KeyType::Rsa2048, NID_sha256WithRSAEncryption});
    CAPTURE(keystore::to_string(type));
    const test::MemoryKey key(test::generate_private_key(type));
    const X509ReqPtr request =
        parse(jose::build_csr(key, {"example.com", "www.example.com", "192.0.2.7"}));

    const EvpPkeyPtr public_key = key.public_key();
    CHECK(X509_REQ_verify(request.get(), public_key.get()) == 1);
    const EvpPkeyPtr embedded(X509_REQ_get_pubkey(request.get()));
    CHECK(EVP_PKEY_eq(embedded.get(), public_key.get()) == 1);
    CHECK(X509_REQ_get_version(request.get()) == X509_REQ_VERSION_1);
    CHECK(X509_REQ_get_signature_nid(request.get()) == signature_nid);
    CHECK(common_name(request.get()) == "example.com");
    const SubjectAltNames alt_names = subject_alt_names(request.get());
    CHECK(alt_names.entries ==
          std::vector<std::string>{"DNS:example.com", "DNS:www.example.com", "IP:192.0.2.7"});
    CHECK_FALSE(alt_names.critical);
}

TEST_CASE("CSR led by an IPv6 address has an empty subject and a critical SAN", "[unit]") {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP256));
    const X509ReqPtr request = parse(jose::build_csr(key, {"2001:db8::1", "example.org"}));
    const EvpPkeyPtr public_key = key.public_key();
    CHECK(X509_REQ_verify(request.get(), public_key.get()) == 1);
    CHECK(X509_NAME_entry_count(X509_REQ_get_subject_name(request.get())) == 0);
    const SubjectAltNames alt_names = subject_alt_names(request.get());
    CHECK(alt_names.entries == std::vector<std::string>{"IP:2001:db8::1", "DNS:example.org"});
    CHECK(alt_names.critical);
}

TEST_CASE("CSR for a DNS name longer than 64 characters leaves CN out", "[unit]") {
    const test::MemoryKey key(test::generate_private_key(KeyType::EcP256));
    const std::string long_name = std::string(60, 'a') + ".example.com";
    const X509ReqPtr request = parse(jose::build_csr(key, {long_name}));
    CHECK(common_name(request.get()).empty());
    CHECK(subject_alt_names(request.get()).entries == std::vector<std::string>{"DNS:" + long_name});
}

TEST_CASE("CSR without names is InvalidArgument", "[unit]") {
    require_error({}, Errc::InvalidArgument);
}

TEST_CASE("CSR with an empty or non-ASCII name is InvalidArgument", "[unit]") {
    require_error({"example.com", ""}, Errc::InvalidArgument);
    require_error({"b\xc3\xbc"
                   "cher.example"},
                  Errc::InvalidArgument);
}
