#pragma once

#include <memory>
#include <optional>

#include "agent/acme/account.h"
#include "agent/config/config.h"
#include "agent/service/acme_context.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// The command line's global options completed from the configuration: the configured CA (its
/// staging directory when `staging`) unless --server was given, and the CA bundle, TCTI and
/// state folder wherever the command line left them unset — the command line wins.
RunOptions managed_options(const RunOptions& command_line, const config::Config& config,
                           bool staging = false);

/// The account of the configuration: its key, contacts, terms agreement and EAB.
AccountRequest configured_account(const config::CaConfig& ca);

/// The CA connection and the account the certificates of one run share. Both are made on first
/// use, so a run with nothing due does not register or look up an account. Keeps references to
/// `options` and `ca`, which must outlive it. Not thread-safe.
class CaSession {
public:
    CaSession(const RunOptions& options, const config::CaConfig& ca);
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

}  // namespace hwacme::service
