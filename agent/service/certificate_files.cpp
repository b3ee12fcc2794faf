#include "agent/service/certificate_files.h"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "common/atomic_file.h"
#include "common/directories.h"
#include "common/error.h"
#include "common/openssl_error.h"

namespace hwacme::service {
namespace {

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

std::string name_text(const X509_NAME* name) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
    int len = ASN1_STRING_length(ip);
    if (len != 4 && len != 16) return "(malformed IP address)";
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), text, sizeof text);
    return text;
}

}  // namespace

std::vector<std::string> split_pem_chain(std::string_view pem) {
    std::vector<std::string> certs;
    std::size_t pos = 0;
    while ((pos = pem.find(kBegin, pos)) != std::string_view::npos) {
        auto end = pem.find(kEnd, pos);
        if (end == std::string_view::npos) break;
        end += kEnd.size();
        certs.emplace_back(std::string(pem.substr(pos, end - pos)) + "\n");
        parse_pem_certificate(certs.back());
        pos = end;
    }
    if (certs.empty()) throw Error(Errc::Protocol, "the CA sent no PEM certificate");
    return certs;
}

X509Ptr parse_pem_certificate(std::string_view pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) throw_openssl("not a PEM certificate", Errc::Protocol);
    return cert;
}

X509Ptr load_certificate_file(const std::filesystem::path& path) {
    std::string pem = read_file(path);
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) throw_openssl(path.string() + " holds no PEM certificate", Errc::InvalidArgument);
    return cert;
}

Bytes certificate_der(X509* cert) {
    int len = i2d_X509(cert, nullptr);
    if (len <= 0) throw_openssl("cannot encode a certificate");
    Bytes der(static_cast<std::size_t>(len));
    unsigned char* p = der.data();
    i2d_X509(cert, &p);
    return der;
}

CertificateSummary summarize(X509* cert) {
    CertificateSummary summary;
    summary.subject = name_text(X509_get_subject_name(cert));
    summary.issuer = name_text(X509_get_issuer_name(cert));
    BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    if (char* hex = BN_bn2hex(serial.get())) {
        summary.serial_hex = hex;
        OPENSSL_free(hex);
    }
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1) {
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        summary.not_after = buf;
    }
    using Names = CHandle<GENERAL_NAMES, &GENERAL_NAMES_free>;
    Names sans(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; sans && i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.get(), i);
        if (name->type == GEN_DNS)
            summary.names.emplace_back(
                reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)));
        else if (name->type == GEN_IPADD)
            summary.names.push_back(ip_text(name->d.iPAddress));
    }
    return summary;
}

std::string issuer_common_name(X509* cert) {
    X509_NAME* issuer = X509_get_issuer_name(cert);
    int index = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
    if (index < 0) return {};
    const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, index));
    return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
            static_cast<std::size_t>(ASN1_STRING_length(value))};
}

bool certifies_key(X509* cert, EVP_PKEY* public_key) {
    return EVP_PKEY_eq(X509_get0_pubkey(cert), public_key) == 1;
}

CertificateFiles write_certificate_files(const std::filesystem::path& out_dir,
                                         const std::vector<std::string>& chain_pems) {
    // 0755 whatever the umask: the web server, another user, reads these.
    create_directories_with_mode(out_dir, 0755);
    std::string leaf = chain_pems.at(0);
    std::string chain;
    for (std::size_t i = 1; i < chain_pems.size(); ++i) chain += chain_pems[i];
    CertificateFiles files{out_dir / "cert.pem", out_dir / "chain.pem", out_dir / "fullchain.pem"};
    write_file_atomic(files.chain, chain);
    write_file_atomic(files.fullchain, leaf + chain);
    write_file_atomic(files.cert, leaf);
    return files;
}

}  // namespace hwacme::service
