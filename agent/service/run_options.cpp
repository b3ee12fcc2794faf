#include "agent/service/run_options.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdlib>

#include "keystore/file_keystore.h"
#include "pkcs11/pkcs11_keystore.h"
#include "pkcs11/pkcs11_uri.h"
#include "tpm/tpm_keystore.h"

#ifndef HWACME_VERSION
#error "HWACME_VERSION must be defined by the build"
#endif

namespace hwacme::service {

std::filesystem::path RunOptions::state_path() const {
    if (!state_dir.empty()) return state_dir;
    if (::geteuid() == 0) return "/var/lib/hwacme";
    if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg && *xdg)
        return std::filesystem::path(xdg) / "hwacme";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : ".") / ".local/state/hwacme";
}

http::ClientOptions RunOptions::http_options() const {
    http::ClientOptions options;
    options.ca_bundle = ca_bundle;
    options.verbose = verbose;
    // RFC 8555 6.1: the client's name and version and the HTTP library's. Not curl_version(),
    // which lists every library libcurl links and, to learn OpenLDAP's, initializes it: that
    // loads all of Cyrus SASL's plugins (~3 ms a run, and code no run uses).
    const curl_version_info_data* curl = curl_version_info(CURLVERSION_NOW);
    options.user_agent = std::string("hwacme/") + HWACME_VERSION + " libcurl/" +
                         (curl && curl->version ? curl->version : "unknown");
    return options;
}

keystore::KeystoreOptions RunOptions::keystore_options() const {
    return {.allow_extractable = allow_extractable,
            .tcti = tcti,
            .tpm_lock_file = state_path() / "tpm.lock",
            .tpm_flush_stale = tpm_flush_stale};
}

keystore::Registry make_registry() {
    keystore::Registry registry;
    registry.add("file", keystore::open_file_keystore);
    registry.add("pkcs11", pkcs11::open_keystore);
    registry.add("tpm2", tpm::open_keystore);
    return registry;
}

std::string default_pkcs11_module() {
    return pkcs11::default_module_path();
}

}  // namespace hwacme::service
