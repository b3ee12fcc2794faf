#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/acme/account.h"
#include "agent/acme/client.h"
#include "agent/custody/key_plan.h"
#include "agent/custody/run_keys.h"
#include "agent/http/http_client.h"
#include "agent/service/account_state.h"
#include "agent/service/custody_run.h"
#include "agent/service/eab_binding.h"
#include "agent/service/run_options.h"
#include "agent/signing/request_signer.h"
#include "keystore/registry.h"

namespace hwacme::service {

/// The keys `plan` names: in the key custody process when this is a network process, else
/// opened here.
std::unique_ptr<custody::RunKeys> make_run_keys(const RunOptions& options, custody::KeyPlan plan);

/// Everything a command needs to talk to the CA: one HTTP client (one TLS connection), the ACME
/// transport and the keys of the run by role. Keeps a reference to `global`, which must outlive
/// it.
class AcmeContext {
public:
    explicit AcmeContext(const RunOptions& global, custody::KeyPlan plan = {});

    /// In a network process the sandbox is on before anything below is made.
    bool confined;
    const RunOptions& global;
    http::Client http;
    acme::Client acme;
    std::unique_ptr<custody::RunKeys> keys;
};

/// How to find or create the account a command acts as.
struct AccountRequest {
    std::optional<std::string> account_key_uri = std::nullopt;  ///< --account-key; else saved
    std::vector<std::string> emails = {};
    bool agree_tos = false;
    keystore::KeyType key_type = keystore::KeyType::EcP256;  ///< for a key generated now
    bool register_always = false;  ///< `account register`: always ask the CA (idempotent)
    std::optional<EabSource> eab = std::nullopt;
};

/// The account key as the run holds it (its signer every request of the account goes through)
/// and the account.
struct ActiveAccount {
    const custody::HeldKey* key;
    AccountState state;
    const signing::RequestSigner& signer() const { return key->requests; }
};

/// The account key `request` names, else the one the state folder remembers for the CA; empty
/// when there is neither.
std::string account_key_uri(const RunOptions& options, const AccountRequest& request);

/// Where the account key of `request` lives and whether the run may generate it (only to
/// register); nullopt when there is no key to use.
std::optional<custody::KeySpec> account_key_spec(const RunOptions& options,
                                                 const AccountRequest& request);

/// A command's connection to the CA signed in as an account: `account_key`'s, else the one the
/// state folder remembers for the CA (resolve_account). Nothing is registered.
struct SignedInAccount {
    /// `more`: the run's other keys (a rollover's new key); its account key is set here.
    SignedInAccount(const RunOptions& options, const std::optional<std::string>& account_key,
                    custody::KeyPlan more = {});
    SignedInAccount(const SignedInAccount&) = delete;
    SignedInAccount& operator=(const SignedInAccount&) = delete;

    AcmeContext context;
    ActiveAccount active;
    acme::AccountSession session;
};

/// Gives `plan`'s custody the MAC key of the request's External Account Binding, read now, and
/// allows the binding; nothing without one.
void bind_account_in_custody(const AccountRequest& request, CustodyPlan& plan);

/// Returns the account for the CA of `context`: the one saved in the state folder, or — given an
/// account key and terms agreement — a newly registered (or found) one, saved before returning.
/// The key is context.keys' account key, which `context` must have planned with
/// account_key_spec(request).
/// Error{NotFound} telling the operator what to run when there is none and it cannot register.
ActiveAccount resolve_account(AcmeContext& context, const AccountRequest& request);

}  // namespace hwacme::service
