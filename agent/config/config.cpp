// The configuration file, /etc/hwacme/hwacme.json by default (--config, HWACME_CONFIG). JSON
// with // and /* */ comments and trailing commas; docs/configuration.md has a full example.
//
// {
//   "state_dir": "/var/lib/hwacme",            // optional; absolute
//   "tcti": "swtpm:host=127.0.0.1,port=2321",  // optional; TPM for tpm2: keys
//   "tpm_flush_stale": false,              // optional; flush what killed runs left (no RM)
//   "metrics_file": "/var/lib/prometheus/node-exporter/hwacme.prom",  // optional; absolute
//   "ca": {                                    // required
//     "directory": "https://…/directory",      // required; http(s) URL
//     "staging_directory": "https://…",        // optional; what `renew --dry-run` orders from
//     "ca_bundle": "/etc/hwacme/ca.pem",       // optional; absolute; else the system store
//     "account_key": "pkcs11:token=acme;object=account",  // required; a key URI, no template
//     "account_key_type": "ec-p256",           // optional; ec-p256 ec-p384 rsa2048/3072/4096
//     "email": ["ops@example.com"],            // optional; "mailto:" may be left out
//     "agree_tos": true,                       // optional; false
//     "eab": {                                 // optional; kid and hmac_key_file together
//       "kid": "…", "hmac_key_file": "/etc/hwacme/eab.key", "alg": "HS256"  // HS256|384|512
//     }
//   },
//   "certificates": [                          // optional; none is valid
//     {
//       "name": "www",                         // required; [A-Za-z0-9._-]+, unique
//       "identifiers": ["www.example.com"],    // required; non-empty; "*.x" needs dns-01
//       "key": "pkcs11:token=t;object=www-{generation}",  // required; a key URI (template)
//       "key_type": "ec-p256",                 // optional; ec-p256
//       "key_policy": "rotate",                // optional; "rotate" (needs {generation} in
//                                              //   key) or "reuse" (needs it absent)
//       "key_grace_period": "7d",              // optional; 7d
//       "challenge": {                         // optional; http-01 on every address, port 80
//         "type": "http-01",                   // http-01 | dns-01 | tls-alpn-01
//         "listen_address": ["::1", "127.0.0.1"],  // IP literal(s); else IPv4 and IPv6 all
//         "http_port": 80, "tls_port": 443,    // 1..65535
//         "webroot": "/var/www/html",          // http-01 only; absolute
//         "dns_hook": "/usr/local/bin/dns-hook",  // dns-01 only and required there; absolute
//         "dns_propagation_wait": "30s"        // 0
//       },
//       "output_dir": "/etc/hwacme/live/www",  // required; absolute
//       "file_mode": "0644",                   // optional; octal string, at most "0777"
//       "deploy_hook": "/usr/local/bin/reload",  // optional; absolute
//       "renew_before": "30d",                 // optional; else when 1/3 of the lifetime is left
//       "preferred_chain": "ISRG Root X1",     // optional
//       "profile": "tlsserver"                 // optional
//     }
//   ]
// }
//
// Durations: whole seconds as a number, or a string of digits and one unit: s, m, h, d.
// Every path is absolute: the service runs from "/". Unknown fields are errors at every level.

#include "agent/config/config.h"

#include <boost/json.hpp>
#include <set>

#include "agent/config/json_locator.h"
#include "agent/config/object_reader.h"
#include "agent/config/sections.h"
#include "common/atomic_file.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::config {
namespace {

/// Parses the text, or throws naming the line the parser stopped at and what it found there.
boost::json::value parse_json(std::string_view text, const std::string& name) {
    boost::json::parse_options options;
    options.allow_comments = true;
    options.allow_trailing_commas = true;
    boost::json::stream_parser parser({}, options);
    boost::json::error_code ec;
    std::size_t consumed = parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    if (ec) {
        std::string message = name + ":" + std::to_string(line_at(text, consumed)) +
                              ": not valid JSON: " + ec.message();
        std::string_view rest = text.substr(std::min(consumed, text.size()));
        rest = rest.substr(0, std::min(rest.find('\n'), std::size_t{20}));
        if (!rest.empty()) message += " at '" + log::printable(rest) + "'";
        throw Error(Errc::InvalidArgument, message);
    }
    return parser.release();
}

std::vector<CertificateConfig> read_certificates(const ObjectReader& top) {
    std::vector<CertificateConfig> out;
    const auto* items = top.array("certificates");
    if (!items) return out;
    std::set<std::string> names;
    for (std::size_t i = 0; i < items->size(); ++i) {
        std::string path = "certificates[" + std::to_string(i) + "]";
        out.push_back(read_certificate(top.source(), (*items)[i], path));
        if (!names.insert(out.back().name).second)
            top.source().fail(path + ".name", "'" + out.back().name +
                                                  "' names an earlier certificate too: names "
                                                  "must be unique");
    }
    return out;
}

}  // namespace

Config parse_config(std::string_view text, const std::filesystem::path& source_path) {
    std::string name = source_path.string();
    boost::json::value root = parse_json(text, name);
    ConfigSource source(text, name);
    if (const auto& duplicate = source.locator().first_duplicate())
        source.fail(*duplicate, "appears twice in its object: keep one");
    ObjectReader top(
        source, root, "",
        {"state_dir", "tcti", "tpm_flush_stale", "metrics_file", "ca", "certificates"});

    Config config;
    config.source = source_path;
    if (auto state_dir = top.absolute_path("state_dir")) config.state_dir = *state_dir;
    if (auto tcti = top.string("tcti")) config.tcti = *tcti;
    if (auto flush = top.boolean("tpm_flush_stale")) config.tpm_flush_stale = *flush;
    if (auto metrics = top.absolute_path("metrics_file")) config.metrics_file = *metrics;
    const auto* ca = top.find("ca");
    if (!ca) top.fail_missing("ca", "the CA's directory URL and account key");
    config.ca = read_ca(ObjectReader(source, *ca, "ca",
                                     {"directory", "staging_directory", "ca_bundle", "account_key",
                                      "account_key_type", "email", "agree_tos", "eab"}));
    config.certificates = read_certificates(top);
    return config;
}

Config load_config(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        throw Error(Errc::NotFound, "configuration file " + path.string() + " does not exist");
    if (std::filesystem::is_directory(path, ec))
        throw Error(Errc::Io, "configuration file " + path.string() + " is a folder");
    return parse_config(read_file(path), path);
}

const CertificateConfig& Config::certificate(const std::string& name) const {
    for (const auto& certificate : certificates)
        if (certificate.name == name) return certificate;
    std::string known;
    for (const auto& certificate : certificates)
        known += (known.empty() ? "" : ", ") + certificate.name;
    throw Error(Errc::NotFound,
                "no certificate named '" + log::printable(name) + "' in " + source.string() +
                    (known.empty() ? " (it has none)" : " (it has: " + known + ")"));
}

}  // namespace hwacme::config
