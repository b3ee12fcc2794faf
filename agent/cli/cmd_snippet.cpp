// `hwacme snippet`: the web-server lines that serve a certificate with its hardware key — the
// lines the example deploy hooks in dist/hooks write (keep both in step: tests/deploy compares
// them), plus the server-wide settings that key needs: OpenSSL's pkcs11 engine for `pkcs11:`
// keys, the tpm2-openssl provider for TSS2 key files.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "agent/cli/command.h"
#include "agent/config/config.h"
#include "agent/manage/release.h"
#include "common/error.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_uri.h"

namespace hwacme::cli {
namespace {

struct SnippetArgs {
    std::string server;
    std::string cert_name;
    std::string key_uri;
    std::string fullchain;
    std::string pin_source;
};

/// What the web server loads, and the name the hooks give their files.
struct ServedCertificate {
    std::string name = "NAME";
    std::string fullchain;
    keystore::KeyUri key;
    std::string key_file;  ///< keys kept in files: the release's key.pem, else the URI's file
    std::string tcti = "device:/dev/tpmrm0";
    std::string pin_source;  ///< for pkcs11: URIs that name none; a path, never a PIN
};

enum class KeyKind { Pkcs11, TpmFile, TpmHandle, File };

KeyKind kind_of(const keystore::KeyUri& key) {
    if (key.scheme() == "pkcs11") return KeyKind::Pkcs11;
    if (key.scheme() == "file") return KeyKind::File;
    if (key.attribute("path")) return KeyKind::TpmFile;
    if (key.attribute("handle")) return KeyKind::TpmHandle;
    throw Error(Errc::InvalidUri, key.original() + ": a tpm2 key URI needs path= or handle=");
}

/// Server configurations quote values in double quotes; a quote, a backslash, '$' (nginx
/// variables, Apache ${defines}) or a line break inside one would change its meaning.
const std::string& config_safe(const std::string& what, const std::string& value) {
    if (value.find_first_of("\"\\$\n\r") != std::string::npos)
        throw Error(Errc::InvalidArgument,
                    what + " contains a quote, backslash, $ or line break: " + value);
    return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::istringstream in(text);
    for (std::string part; std::getline(in, part, separator);) parts.push_back(part);
    return parts;
}

/// The key URI as OpenSSL's pkcs11 engine (libp11) takes it: without module-path, which the
/// engine refuses, plus a pin-source when the URI has none, '$' encoded. Works on the text, as
/// the hooks do, so both print the URI exactly as hwacme stored it.
struct EngineKey {
    std::string uri;
    std::string module;  ///< from module-path; empty: the engine's default, the p11-kit proxy
    bool has_pin_source = false;
};

EngineKey engine_key(const keystore::KeyUri& key, const std::string& pin_source) {
    const std::string& text = key.original();
    const auto question = text.find('?');
    EngineKey out;
    out.uri = text.substr(0, question);
    std::vector<std::string> kept;
    if (question != std::string::npos) {
        for (const auto& part : split(text.substr(question + 1), '&')) {
            if (part.starts_with("module-path=")) continue;
            out.has_pin_source = out.has_pin_source || part.starts_with("pin-source=");
            kept.push_back(part);
        }
    }
    if (auto module = key.query("module-path")) out.module = *module;
    if (!out.has_pin_source && !pin_source.empty()) {
        if (!pin_source.starts_with("file:/") ||
            pin_source.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                         "0123456789/._-:") != std::string::npos)
            throw Error(Errc::InvalidArgument,
                        "--pin-source must be file:/absolute/path (letters, digits, / . _ -)");
        kept.push_back("pin-source=" + pin_source);
        out.has_pin_source = true;
    }
    for (std::size_t i = 0; i < kept.size(); ++i) out.uri += (i == 0 ? "?" : "&") + kept[i];
    for (std::size_t at; (at = out.uri.find('$')) != std::string::npos;)
        out.uri.replace(at, 1, "%24");
    config_safe("key URI", out.uri);
    return out;
}

void print_openssl_tpm2_config(std::ostream& out) {
    out << "# /etc/hwacme/openssl-tpm2.cnf (hwacme installs a copy among its examples):\n"
           "#   openssl_conf = init\n"
           "#   [init]\n"
           "#   providers = providers\n"
           "#   alg_section = algorithms\n"
           "#   [providers]\n"
           "#   default = activated\n"
           "#   tpm2 = activated\n"
           "#   [activated]\n"
           "#   activate = 1\n"
           "#   [algorithms]\n"
           "#   default_properties = ?provider=tpm2,tpm2.digest!=yes,tpm2.cipher!=yes\n"
           "# The tpm2 preference keeps the key in the TPM (else OpenSSL 3.0 fails with \"missing\n"
           "# private key\"); digests and ciphers stay off the TPM.\n";
}

/// How the server gets at the key: the file it reads, or the pkcs11 engine URI.
struct KeyPlan {
    KeyKind kind = KeyKind::File;
    std::string file;
    EngineKey engine;
};

KeyPlan plan_key(const ServedCertificate& served, const std::string& server) {
    KeyPlan plan;
    plan.kind = kind_of(served.key);
    if (plan.kind == KeyKind::TpmHandle)
        throw Error(Errc::Unsupported, server + " cannot load a TPM persistent handle (" +
                                           served.key.original() +
                                           "): it takes TPM keys as files only; use a "
                                           "tpm2:path= key");
    if (plan.kind == KeyKind::Pkcs11)
        plan.engine = engine_key(served.key, served.pin_source);
    else
        plan.file = config_safe("key path", served.key_file);
    return plan;
}

void print_pin_note(std::ostream& out, const EngineKey& key) {
    if (key.has_pin_source)
        out << "# The server reads the PIN from the URI's pin-source file, as root, when it loads "
               "the key.\n";
    else
        out << "# WARNING: the key URI names no pin-source, so the server cannot log in to the "
               "token\n# unattended: add --pin-source file:/etc/hwacme/pkcs11-pin (hooks: "
               "PKCS11_PIN_SOURCE).\n";
}

void print_nginx(std::ostream& out, const ServedCertificate& served) {
    const KeyPlan plan = plan_key(served, "nginx");
    out << "# nginx, inside the server { } block. The nginx-reload hook writes these lines to\n"
           "# /etc/nginx/hwacme/"
        << served.name << ".conf at every renewal: include that file there instead.\n"
        << "ssl_certificate \"" << config_safe("fullchain path", served.fullchain) << "\";\n"
        << "ssl_certificate_key \""
        << (plan.kind == KeyKind::Pkcs11 ? "engine:pkcs11:" + plan.engine.uri : plan.file)
        << "\";\n";
    // nginx 1.22 leaves TLS 1.3 off by default; tpm2-openssl EC keys serve TLS 1.3 only.
    if (plan.kind == KeyKind::TpmFile) out << "ssl_protocols TLSv1.2 TLSv1.3;\n";
    if (plan.kind == KeyKind::Pkcs11) {
        // nginx names the engine but never initialises it: only an OpenSSL config does.
        out << "#\n# Server-wide, once: nginx loads the key through OpenSSL's pkcs11 engine "
               "(Debian package\n# libengine-pkcs11-openssl), which only an OpenSSL config "
               "initialises (systemctl edit nginx):\n#   [Service]\n"
               "#   Environment=OPENSSL_CONF=/etc/hwacme/openssl-pkcs11-engine.cnf\n"
               "# /etc/hwacme/openssl-pkcs11-engine.cnf (hwacme installs a copy among its "
               "examples):\n"
               "#   openssl_conf = init\n#   [init]\n#   engines = engines\n"
               "#   [engines]\n#   pkcs11 = pkcs11\n#   [pkcs11]\n#   engine_id = pkcs11\n"
               "#   dynamic_path = /usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so\n"
               "#   MODULE_PATH = "
            << (plan.engine.module.empty() ? pkcs11::default_module_path() : plan.engine.module)
            << "\n#   init = 1\n";
        print_pin_note(out, plan.engine);
        out << "# Tested on Debian 12 (nginx 1.22, libp11 0.4.12, SoftHSM 2.6): nginx loads the "
               "key, but its\n# worker processes fail every handshake with "
               "CKR_OBJECT_HANDLE_INVALID: the token session\n# does not survive fork(). Check a "
               "TLS handshake with your token before relying on it.\n";
    } else if (plan.kind == KeyKind::TpmFile) {
        out << "#\n# Server-wide, once: nginx reads the TSS2 key file through the tpm2-openssl "
               "provider\n# (Debian package tpm2-openssl), with this environment (systemctl "
               "edit nginx):\n#   [Service]\n"
               "#   Environment=OPENSSL_CONF=/etc/hwacme/openssl-tpm2.cnf\n"
               "#   Environment=TPM2OPENSSL_TCTI="
            << served.tcti << "\n";
        print_openssl_tpm2_config(out);
        out << "# and in nginx.conf's main context:\n"
               "#   worker_processes 1;\n"
               "#   env OPENSSL_CONF;\n"
               "#   env TPM2OPENSSL_TCTI;\n"
               "# The provider has one TPM connection per process, shared by every worker "
               "forked from the\n# master: two workers on it break each other's handshakes. "
               "Reload onto a new key with\n# nginx's in-place upgrade (USR2; the nginx-reload "
               "hook does it, as does\n# /etc/init.d/nginx upgrade), not HUP, so old and new "
               "workers never share a connection;\n# the env lines hand the settings to the new "
               "master. Use a resource manager:\n# device:/dev/tpmrm0, or tabrmd:.\n"
               "# Tested on Debian 12 (nginx 1.22, tpm2-openssl 1.1.1, tpm2-abrmd, swtpm): no "
               "handshake\n# failed across the upgrade onto a rotated key. TLS 1.2 handshakes "
               "fail with \"no shared\n# cipher\" for EC keys, hence ssl_protocols above.\n";
    }
}

void print_apache(std::ostream& out, const ServedCertificate& served) {
    const KeyPlan plan = plan_key(served, "Apache");
    out << "# Apache, inside the <VirtualHost *:443>. The apache-reload hook writes these lines "
           "to\n# /etc/apache2/hwacme/"
        << served.name << ".conf at every renewal: Include that file there instead.\n"
        << "SSLCertificateFile \"" << config_safe("fullchain path", served.fullchain) << "\"\n"
        << "SSLCertificateKeyFile \""
        << (plan.kind == KeyKind::Pkcs11 ? plan.engine.uri : plan.file) << "\"\n";
    if (plan.kind == KeyKind::Pkcs11) {
        out << "#\n# Server-wide, once (a2enmod ssl; e.g. in /etc/apache2/conf-available/"
               "hwacme.conf, a2enconf\n# hwacme): mod_ssl loads key URIs through this OpenSSL "
               "engine (Debian package\n# libengine-pkcs11-openssl):\n"
               "#   SSLCryptoDevice pkcs11\n";
        if (plan.engine.module.empty())
            out << "# The engine uses the p11-kit proxy module, as hwacme does.\n";
        else
            out << "# and its module, in /etc/apache2/envvars:\n#   export PKCS11_MODULE_PATH="
                << plan.engine.module << "\n";
        print_pin_note(out, plan.engine);
        out << "# Untested with Apache here; with nginx the token session did not survive the "
               "fork of\n# the worker processes (see deployment.md). Check a TLS handshake.\n";
    } else if (plan.kind == KeyKind::TpmFile) {
        out << "#\n# Server-wide, once: mod_ssl reads the TSS2 key file through the "
               "tpm2-openssl provider\n# (Debian package tpm2-openssl); in "
               "/etc/apache2/envvars:\n"
               "#   export OPENSSL_CONF=/etc/hwacme/openssl-tpm2.cnf\n"
               "#   export TPM2OPENSSL_TCTI="
            << served.tcti << "\n";
        print_openssl_tpm2_config(out);
        out << "# Untested with Apache here. The provider has one TPM connection per process, "
               "shared by\n# every child forked after the key was loaded; with nginx, two "
               "workers on one connection\n# broke each other's handshakes (see deployment.md). "
               "Check parallel handshakes.\n";
    }
}

void print_haproxy(std::ostream& out, const ServedCertificate& served) {
    const auto kind = kind_of(served.key);
    if (kind == KeyKind::Pkcs11)
        throw Error(Errc::Unsupported,
                    "HAProxy cannot serve the PKCS#11 key " + served.key.original() +
                        ": HAProxy 2.6 reads private keys only from PEM files (no engine or "
                        "key URIs); terminate TLS in nginx or Apache for it");
    if (kind == KeyKind::TpmHandle)
        throw Error(Errc::Unsupported, "HAProxy cannot load a TPM persistent handle (" +
                                           served.key.original() +
                                           "): it reads keys from files only; use a "
                                           "tpm2:path= key");
    const std::string dir = "/etc/haproxy/hwacme/";
    out << "# HAProxy, in the frontend. The haproxy-reload hook keeps these links in " << dir
        << "\n# at every renewal; HAProxy loads every certificate of the folder:\n"
        << "bind :443 ssl crt " << dir << "\n"
        << "#   " << dir << served.name << ".pem -> "
        << config_safe("fullchain path", served.fullchain) << "\n"
        << "#   " << dir << served.name << ".pem.key -> "
        << config_safe("key path", served.key_file) << "\n";
    if (kind != KeyKind::TpmFile) return;
    out << "#\n# Server-wide, once: HAProxy reads the TSS2 key file through the tpm2-openssl "
           "provider\n# (Debian package tpm2-openssl); in haproxy.cfg's global section:\n"
           "#   nbthread 1\n"
           "#   ssl-provider tpm2\n"
           "#   ssl-provider default\n"
           "#   ssl-propquery ?provider=tpm2,tpm2.digest!=yes,tpm2.cipher!=yes\n"
           "# and in its environment (systemctl edit haproxy):\n#   [Service]\n"
           "#   Environment=TPM2OPENSSL_TCTI="
        << served.tcti
        << "\n# The provider has one TPM connection per process: threads sharing it break each "
           "other's\n# handshakes, hence one thread. A reload (USR2 to the master) runs HAProxy "
           "anew, with\n# a connection of its own. Use a resource manager: device:/dev/tpmrm0, "
           "or tabrmd:.\n# Tested on Debian 12 (HAProxy 2.6, tpm2-openssl 1.1.1, tpm2-abrmd, "
           "swtpm): no handshake\n# failed across a reload onto a rotated key; TLS 1.2 "
           "handshakes fail for EC keys.\n";
}

/// The file a file: or tpm2:path= URI names; empty for keys that are not files.
std::string file_named_by(const keystore::KeyUri& key) {
    if (key.scheme() == "file") return key.path();
    return key.attribute("path").value_or("");
}

std::string read_key_uri_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::string uri;
    if (!in || !std::getline(in, uri) || uri.empty())
        throw Error(Errc::Io, "cannot read the key URI from " + file.string());
    return uri;
}

/// The certificate `name` of the configuration, as the deploy hook sees it: the live paths
/// under OUT/current and the key URI of the release that is live.
ServedCertificate served_from_config(const service::RunOptions& global, const std::string& name) {
    const auto config = config::load_config(global.config_path);
    const auto& cert = config.certificate(name);
    const auto release_dir = manage::active_release_dir(cert.output_dir);
    if (!release_dir)
        throw Error(Errc::NotFound, "certificate " + name + " has no release in " +
                                        cert.output_dir.string() + " yet: run hwacme renew");
    const auto release = manage::release_at(*release_dir);
    const auto live = cert.output_dir / "current";
    ServedCertificate served;
    served.name = name;
    served.fullchain = (live / release.fullchain.filename()).string();
    served.key = keystore::KeyUri::parse(read_key_uri_file(release.key_uri_file));
    served.key_file = release.key_file ? (live / release.key_file->filename()).string()
                                       : file_named_by(served.key);
    if (!config.tcti.empty()) served.tcti = config.tcti;
    return served;
}

void run_snippet(const service::RunOptions& global, const SnippetArgs& args) {
    ServedCertificate served;
    if (!args.cert_name.empty()) {
        served = served_from_config(global, args.cert_name);
    } else {
        served.key = keystore::KeyUri::parse(args.key_uri);
        served.fullchain = std::filesystem::absolute(args.fullchain).string();
        served.key_file = file_named_by(served.key);
    }
    if (!global.tcti.empty()) served.tcti = global.tcti;
    served.pin_source = args.pin_source;
    if (served.key.query("pin-value"))
        throw Error(Errc::InvalidUri,
                    "the key URI carries a pin-value; a PIN must never land "
                    "in a server configuration");
    std::ostringstream out;
    if (args.server == "nginx")
        print_nginx(out, served);
    else if (args.server == "apache")
        print_apache(out, served);
    else
        print_haproxy(out, served);
    std::cout << out.str();
}

}  // namespace

void add_snippet_command(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto args = std::make_shared<SnippetArgs>();
    auto* snippet = app.add_subcommand(
        "snippet",
        "print the web-server lines that serve a certificate with its key (what the example "
        "deploy hooks write) and the server-wide settings that key needs");
    snippet->add_option("--web-server", args->server, "nginx, apache or haproxy")
        ->required()
        ->check(CLI::IsMember({"nginx", "apache", "haproxy"}));
    // Exactly one source: a managed certificate, or a key URI with its chain file.
    auto* source = snippet->add_option_group("source", "the certificate to serve");
    source->add_option("--cert", args->cert_name,
                       "a managed certificate of the configuration (--config): its live release");
    auto* key = source->add_option("--key", args->key_uri, "key URI (with --fullchain)");
    source->require_option(1);
    auto* fullchain = snippet->add_option("--fullchain", args->fullchain,
                                          "PEM file of the certificate and its chain (with --key)");
    key->needs(fullchain);
    fullchain->needs(key);
    snippet->add_option("--pin-source", args->pin_source,
                        "pin-source for pkcs11: keys whose URI names none, e.g. "
                        "file:/etc/hwacme/pkcs11-pin (a path; never the PIN)");
    commands.push_back({snippet, [&global, args] { run_snippet(global, *args); }});
}

}  // namespace hwacme::cli
