#include "agent/service/ca_session.h"

#include "agent/service/eab_binding.h"

namespace hwacme::service {

RunOptions managed_options(const RunOptions& command_line, const config::Config& config,
                           bool staging) {
    RunOptions options = command_line;
    const auto& ca = config.ca;
    if (!command_line.server_given)
        options.server = staging && !ca.staging_directory_url.empty() ? ca.staging_directory_url
                                                                      : ca.directory_url;
    if (options.ca_bundle.empty()) options.ca_bundle = ca.ca_bundle.string();
    if (options.tcti.empty()) options.tcti = config.tcti;
    options.tpm_flush_stale = options.tpm_flush_stale || config.tpm_flush_stale;
    if (options.state_dir.empty()) options.state_dir = config.state_dir.string();
    return options;
}

AccountRequest configured_account(const config::CaConfig& ca) {
    return {.account_key_uri = ca.account_key_uri,
            .emails = ca.emails,
            .agree_tos = ca.agree_tos,
            .key_type = ca.account_key_type,
            .eab = EabSource::of(ca.eab_kid, ca.eab_hmac_key_file.string(), ca.eab_alg)};
}

CaSession::CaSession(const RunOptions& options, const config::CaConfig& ca)
    : ca_(ca),
      context_(std::make_unique<AcmeContext>(
          options,
          custody::KeyPlan{.account = account_key_spec(options, configured_account(ca))})) {}

CaSession::~CaSession() = default;

acme::AccountSession& CaSession::account() {
    if (session_) return *session_;
    account_.emplace(resolve_account(*context_, configured_account(ca_)));
    session_.emplace(context_->acme, account_->signer(), account_->state.account_url);
    return *session_;
}

bool CaSession::offers_renewal_info() {
    return context_->acme.directory().renewal_info.has_value();
}

}  // namespace hwacme::service
