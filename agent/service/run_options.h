#pragma once

#include <filesystem>
#include <string>

#include "agent/http/http_client.h"
#include "keystore/registry.h"

namespace hwacme::service {

/// What one run of hwacme works with: the CA, its trust, the state folder, the TPM and key
/// policy. The command line's global options fill it; a configuration completes it
/// (managed_options).
struct RunOptions {
    std::string server = "https://acme-v02.api.letsencrypt.org/directory";
    /// --server or HWACME_SERVER was given: it then wins over a configuration's CA.
    bool server_given = false;
    std::string ca_bundle;
    std::string state_dir;
    std::string tcti;
    std::string config_path = "/etc/hwacme/hwacme.json";  ///< of managed certificates
    bool allow_extractable = false;
    /// Flush what interrupted runs left in a TPM without a resource manager (tpm_connection.h).
    bool tpm_flush_stale = false;
    bool verbose = false;
    /// Keys and network in one process, without key custody or sandbox (--single-process).
    bool single_process = false;
    /// A sandbox layer the kernel lacks ends the network process's run (--require-sandbox).
    bool require_sandbox = false;

    /// The state folder: --state-dir, else /var/lib/hwacme for root, else
    /// $XDG_STATE_HOME/hwacme or ~/.local/state/hwacme.
    std::filesystem::path state_path() const;
    http::ClientOptions http_options() const;
    keystore::KeystoreOptions keystore_options() const;
};

/// Every keystore backend this build has, by URI scheme. This file is where the backends are put
/// together: the one place outside them that includes their headers.
keystore::Registry make_registry();

/// The module a `pkcs11:` URI without module-path loads: the p11-kit proxy.
std::string default_pkcs11_module();

}  // namespace hwacme::service
