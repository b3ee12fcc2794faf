#pragma once

#include <string>

#include "agent/service/run_options.h"
#include "keystore/key_uri.h"

namespace hwacme::service {

/// What a web server loads to serve a certificate with its key, and the name the deploy hooks
/// give their files.
struct ServedCertificate {
    std::string name = "NAME";
    std::string fullchain;
    keystore::KeyUri key;
    std::string key_file;  ///< keys kept in files: the release's key.pem, else the URI's file
    std::string tcti = "device:/dev/tpmrm0";
    std::string pin_source;  ///< for pkcs11: URIs that name none; a path, never a PIN
};

/// The managed certificate `name` of the configuration as its deploy hook sees it: the live
/// paths under OUT/current and the key URI of the release that is live.
ServedCertificate served_from_config(const RunOptions& options, const std::string& name);

enum class ServedKeyKind { Pkcs11, TpmFile, TpmHandle, File };

ServedKeyKind served_key_kind(const keystore::KeyUri& key);

/// The key URI as OpenSSL's pkcs11 engine (libp11) takes it: without module-path, which the
/// engine refuses, plus a pin-source when the URI has none, '$' encoded.
struct EngineKey {
    std::string uri;
    std::string module;  ///< from module-path; empty: the engine's default, the p11-kit proxy
    bool has_pin_source = false;
};

EngineKey engine_key(const keystore::KeyUri& key, const std::string& pin_source);

/// `value` unchanged; Error{InvalidArgument} naming `what` when it holds a quote, backslash, '$'
/// or line break, which would change the meaning of a quoted server-configuration value.
const std::string& config_safe(const std::string& what, const std::string& value);

}  // namespace hwacme::service
