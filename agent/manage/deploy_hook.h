#pragma once

#include <string>
#include <vector>

namespace hwacme::manage {

/// What a deploy hook is told about the certificate just installed, as environment variables:
/// HWACME_CERT_NAME, HWACME_CERT_PATH, HWACME_CHAIN_PATH, HWACME_FULLCHAIN_PATH,
/// HWACME_KEY_URI, HWACME_KEY_PATH (only for keys kept in files), HWACME_SERIAL,
/// HWACME_NOT_AFTER (RFC 3339), HWACME_LIVE_DIR (OUT/current).
struct DeployEvent {
    std::string name;
    std::string cert_path;
    std::string chain_path;
    std::string fullchain_path;
    std::string key_uri;
    std::string key_path;
    std::string serial_hex;
    std::string not_after;
    std::string live_dir;
};

/// Runs `hook` (a program path; no shell) with the event in its environment on top of hwacme's
/// own, waits for it, and throws Error{InvalidArgument} naming the hook and its exit status or
/// signal when it fails or cannot be started. Its stdout and stderr go to hwacme's stderr, its
/// stdin is /dev/null, and HWACME_PKCS11_PIN is kept from it: the token PIN is not its business.
void run_deploy_hook(const std::string& hook, const DeployEvent& event);

}  // namespace hwacme::manage
