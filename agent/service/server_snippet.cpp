#include "agent/service/server_snippet.h"

#include <filesystem>
#include <ostream>
#include <sstream>

#include "agent/service/served_certificate.h"
#include "common/error.h"

namespace hwacme::service {
namespace {

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
    ServedKeyKind kind = ServedKeyKind::File;
    std::string file;
    EngineKey engine;
};

KeyPlan plan_key(const ServedCertificate& served, const std::string& server) {
    KeyPlan plan;
    plan.kind = served_key_kind(served.key);
    if (plan.kind == ServedKeyKind::TpmHandle)
        throw Error(Errc::Unsupported, server + " cannot load a TPM persistent handle (" +
                                           served.key.original() +
                                           "): it takes TPM keys as files only; use a "
                                           "tpm2:path= key");
    if (plan.kind == ServedKeyKind::Pkcs11)
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
        << (plan.kind == ServedKeyKind::Pkcs11 ? "engine:pkcs11:" + plan.engine.uri : plan.file)
        << "\";\n";
    // nginx 1.22 leaves TLS 1.3 off by default; tpm2-openssl EC keys serve TLS 1.3 only.
    if (plan.kind == ServedKeyKind::TpmFile) out << "ssl_protocols TLSv1.2 TLSv1.3;\n";
    if (plan.kind == ServedKeyKind::Pkcs11) {
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
            << (plan.engine.module.empty() ? default_pkcs11_module() : plan.engine.module)
            << "\n#   init = 1\n";
        print_pin_note(out, plan.engine);
        out << "# Tested on Debian 12 (nginx 1.22, libp11 0.4.12, SoftHSM 2.6): nginx loads the "
               "key, but its\n# worker processes fail every handshake with "
               "CKR_OBJECT_HANDLE_INVALID: the token session\n# does not survive fork(). Check a "
               "TLS handshake with your token before relying on it.\n";
    } else if (plan.kind == ServedKeyKind::TpmFile) {
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
        << (plan.kind == ServedKeyKind::Pkcs11 ? plan.engine.uri : plan.file) << "\"\n";
    if (plan.kind == ServedKeyKind::Pkcs11) {
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
    } else if (plan.kind == ServedKeyKind::TpmFile) {
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
    const auto kind = served_key_kind(served.key);
    if (kind == ServedKeyKind::Pkcs11)
        throw Error(Errc::Unsupported,
                    "HAProxy cannot serve the PKCS#11 key " + served.key.original() +
                        ": HAProxy 2.6 reads private keys only from PEM files (no engine or "
                        "key URIs); terminate TLS in nginx or Apache for it");
    if (kind == ServedKeyKind::TpmHandle)
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
    if (kind != ServedKeyKind::TpmFile) return;
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

}  // namespace

std::string server_snippet(const RunOptions& options, const SnippetRequest& request) {
    ServedCertificate served;
    if (!request.cert_name.empty()) {
        served = served_from_config(options, request.cert_name);
    } else {
        served.key = keystore::KeyUri::parse(request.key_uri);
        served.fullchain = std::filesystem::absolute(request.fullchain).string();
        served.key_file = served.key.scheme() == "file" ? served.key.path()
                                                        : served.key.attribute("path").value_or("");
    }
    if (!options.tcti.empty()) served.tcti = options.tcti;
    served.pin_source = request.pin_source;
    if (served.key.query("pin-value"))
        throw Error(Errc::InvalidUri,
                    "the key URI carries a pin-value; a PIN must never land "
                    "in a server configuration");
    std::ostringstream out;
    switch (request.server) {
        case WebServer::Nginx:
            print_nginx(out, served);
            break;
        case WebServer::Apache:
            print_apache(out, served);
            break;
        case WebServer::Haproxy:
            print_haproxy(out, served);
            break;
    }
    return out.str();
}

}  // namespace hwacme::service
