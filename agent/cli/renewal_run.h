#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "agent/acme/account.h"
#include "agent/cli/acme_context.h"
#include "agent/cli/global_options.h"
#include "agent/config/config.h"

namespace hwacme::cli {

/// The command line's global options completed from the configuration: the configured CA (its
/// staging directory when `staging`), and the CA bundle, TCTI and state folder wherever the
/// command line left them unset — the command line wins.
GlobalOptions managed_options(const GlobalOptions& command_line, const config::Config& config,
                              bool staging = false);

/// The CA connection and the account the certificates of one run share. Both are made on first
/// use, so a run with nothing due does not register or look up an account. Not thread-safe.
class CaSession {
public:
    CaSession(const GlobalOptions& options, const config::CaConfig& ca);
    ~CaSession();
    CaSession(const CaSession&) = delete;
    CaSession& operator=(const CaSession&) = delete;

    AcmeContext& context() { return *context_; }
    /// The account from the state folder, or registered with the configured key and contacts.
    acme::AccountSession& account();
    /// True when the CA's directory offers renewalInfo (RFC 9773).
    bool offers_renewal_info();

private:
    const config::CaConfig& ca_;
    std::unique_ptr<AcmeContext> context_;
    std::optional<ActiveAccount> account_;
    std::optional<acme::AccountSession> session_;
};

/// How one certificate is renewed.
struct RenewalSettings {
    bool force = false;
    /// A rehearsal in a throwaway state and output folder: renews whether due or not, sends no
    /// ARI `replaces`, runs no deploy hook, destroys the key it generated, keeps no retired keys.
    bool dry_run = false;
    std::chrono::seconds timeout{300};  ///< for validation and issuance
};

/// Brings one managed certificate up to date, under the caller's StateLock of `state_dir`:
/// renews it when due (crash-safe: the pending renewal, its key and order are saved before they
/// are acted on, so a rerun carries on), reruns a deploy hook that has not succeeded yet, and
/// destroys the retired keys whose grace period is over. Returns one line saying what was done.
/// A failure is saved as the certificate's last_error and thrown as Error.
std::string renew_certificate(CaSession& ca, const config::CertificateConfig& certificate,
                              const std::filesystem::path& state_dir,
                              const RenewalSettings& settings);

}  // namespace hwacme::cli
