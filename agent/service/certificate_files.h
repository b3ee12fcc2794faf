#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/c_handle.h"

namespace hwacme::service {

/// The PEM certificates in a chain, in order, each as its own "-----BEGIN…END-----\n" block.
/// Error{Protocol} when there is none or one does not parse.
std::vector<std::string> split_pem_chain(std::string_view pem);

X509Ptr parse_pem_certificate(std::string_view pem);

/// The first certificate of a PEM file; Error{NotFound} / Error{InvalidArgument} naming the file.
X509Ptr load_certificate_file(const std::filesystem::path& path);

Bytes certificate_der(X509* cert);

/// What an operator wants to see of a certificate.
struct CertificateSummary {
    std::string subject;
    std::string issuer;
    std::string serial_hex;
    std::string not_after;           ///< RFC 3339, UTC
    std::vector<std::string> names;  ///< SANs: DNS names and IP addresses
};
CertificateSummary summarize(X509* cert);

/// The commonName of a certificate's issuer; empty when it has none.
std::string issuer_common_name(X509* cert);

/// True when the certificate carries exactly this public key.
bool certifies_key(X509* cert, EVP_PKEY* public_key);

struct CertificateFiles {
    std::filesystem::path cert;       ///< the leaf
    std::filesystem::path chain;      ///< the intermediates
    std::filesystem::path fullchain;  ///< leaf + intermediates
};

/// Writes cert.pem, chain.pem and fullchain.pem into `out_dir` (created if missing), each
/// atomically: a reader sees the old file or the whole new one.
CertificateFiles write_certificate_files(const std::filesystem::path& out_dir,
                                         const std::vector<std::string>& chain_pems);

}  // namespace hwacme::service
