#pragma once

#include <string>

#include "agent/service/run_options.h"
#include "keystore/key_uri.h"

namespace hwacme::service {

enum class WebServer { Nginx, Apache, Haproxy };

/// The certificate to serve: a managed one of the configuration, or a key URI with its chain.
struct SnippetRequest {
    WebServer server = WebServer::Nginx;
    std::string cert_name;  ///< a managed certificate; else `key` and `fullchain`
    std::string key_uri;
    std::string fullchain;
    std::string pin_source;  ///< pin-source for pkcs11: keys whose URI names none
};

/// The web-server lines that serve a certificate with its hardware key — the lines the example
/// deploy hooks in dist/hooks write (keep both in step: tests/deploy compares them) — plus the
/// server-wide settings that key needs as comments: OpenSSL's pkcs11 engine for `pkcs11:` keys,
/// the tpm2-openssl provider for TSS2 key files. Error{Unsupported} for a key the server cannot
/// load; Error{InvalidUri} for a key URI that carries a PIN.
std::string server_snippet(const RunOptions& options, const SnippetRequest& request);

}  // namespace hwacme::service
