#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "keystore/key_type.h"

namespace hwacme::config {

/// The CA every managed certificate is ordered from, and the account hwacme acts as there.
struct CaConfig {
    std::string directory_url;
    /// The directory `renew --dry-run` orders from: the CA's staging. Empty: directory_url.
    std::string staging_directory_url;
    std::filesystem::path ca_bundle;  ///< empty: the system trust store
    std::string account_key_uri;
    keystore::KeyType account_key_type = keystore::KeyType::EcP256;
    std::vector<std::string> emails;  ///< contacts, without "mailto:"
    bool agree_tos = false;
    /// External account binding; the HMAC key stays in its file (never in the config itself).
    std::string eab_kid;
    std::filesystem::path eab_hmac_key_file;
    std::string eab_alg = "HS256";
};

/// How each name of a certificate is proven.
struct ChallengeConfig {
    std::string type = "http-01";  ///< http-01, dns-01, tls-alpn-01
    /// IP literals of the built-in http-01 and tls-alpn-01 servers; none: every address of
    /// both families (http/listen.h).
    std::vector<std::string> listen_addresses;
    std::uint16_t http_port = 80;
    std::uint16_t tls_port = 443;
    std::filesystem::path webroot;  ///< http-01 through a running web server instead
    std::string dns_hook;           ///< dns-01: program run as `HOOK add|remove NAME VALUE`
    std::chrono::seconds dns_propagation_wait{0};
};

enum class KeyPolicy {
    Reuse,   ///< every renewal keeps the key at key_uri
    Rotate,  ///< every renewal generates a new key in the same device
};

/// One certificate hwacme keeps valid.
struct CertificateConfig {
    std::string name;                      ///< [A-Za-z0-9._-]+, unique; names its state and files
    std::vector<std::string> identifiers;  ///< DNS names or IP literals; the first is the CN
    /// The key URI (policy reuse), or a key-URI template containing "{generation}" (policy
    /// rotate), which each rotation replaces by the next number: 1, 2, 3…
    std::string key_uri;
    keystore::KeyType key_type = keystore::KeyType::EcP256;
    KeyPolicy key_policy = KeyPolicy::Rotate;
    /// How long a rotated-out key is kept in its device before it is destroyed.
    std::chrono::seconds key_grace_period = std::chrono::hours(24 * 7);
    ChallengeConfig challenge;
    /// Where the live certificate is published: DIR/current -> DIR/releases/<serial>/ holding
    /// cert.pem, chain.pem, fullchain.pem and key.uri (see manage/release.h).
    std::filesystem::path output_dir;
    unsigned file_mode = 0644;  ///< of the published certificate files
    std::string deploy_hook;    ///< program run after each install; empty: none
    /// Renew when this much validity remains; unset: when one third of the lifetime remains.
    /// The CA's ARI window, when it offers one, takes precedence.
    std::optional<std::chrono::seconds> renew_before;
    std::string preferred_chain;  ///< issuer CN of the top certificate; empty: the CA's default
    std::string profile;          ///< ACME profile; empty: the CA's default
};

struct Config {
    std::filesystem::path source;     ///< the file it was read from
    std::filesystem::path state_dir;  ///< empty: the --state-dir / default of the command line
    std::string tcti;                 ///< TPM TCTI for tpm2: keys; empty: the default
    /// Flush what interrupted runs left in a TPM without a resource manager (tpm_connection.h).
    bool tpm_flush_stale = false;
    /// Where `renew` and `hwacme metrics` write the Prometheus text file for node_exporter's
    /// textfile collector; empty: renew writes none.
    std::filesystem::path metrics_file;
    CaConfig ca;
    std::vector<CertificateConfig> certificates;

    /// The certificate named `name`; Error{NotFound} listing the names there are.
    const CertificateConfig& certificate(const std::string& name) const;
};

/// The default configuration file.
inline const std::filesystem::path kDefaultConfigPath = "/etc/hwacme/hwacme.json";

/// Reads and validates a configuration: JSON with // and /* */ comments and trailing commas.
/// Every problem is an Error{InvalidArgument} whose message names the file, the line and the
/// field ("hwacme.json:12: certificates[1].key_policy: must be \"reuse\" or \"rotate\""):
/// unknown fields, wrong types, bad values (key URIs are parsed, durations like "7d", modes
/// like "0640"), missing required fields, duplicate certificate names. Error{NotFound} when the
/// file does not exist. Touches nothing but the file it reads.
Config load_config(const std::filesystem::path& path);

/// The same from text; `source` names it in error messages.
Config parse_config(std::string_view text, const std::filesystem::path& source);

}  // namespace hwacme::config
