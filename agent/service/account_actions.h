#pragma once

#include <optional>
#include <string>
#include <vector>

#include "agent/acme/account.h"
#include "agent/service/acme_context.h"
#include "agent/service/custody_run.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// The account as the CA has it, and the key that signs for it.
struct AccountView {
    acme::Account account;
    std::string account_key_uri;
};

/// Registers an account for the key of `request` (or finds the one the CA has for it) and
/// remembers it; a key that does not exist yet is generated at its URI.
AccountState register_account(const RunOptions& options, const AccountRequest& request);

/// What the custody process of an account command holds: the account key of `request` (the one
/// the state folder remembers when it names none), requests to the CA's origin only.
CustodyPlan account_custody_plan(const RunOptions& options, const AccountRequest& request);

/// The remembered account, or — given `account_key` — the one the CA has for that key, found
/// from the key alone and saved again (RFC 8555 §7.3.1): how a re-imaged host whose key lives in
/// an HSM or TPM gets its account back.
AccountView show_account(const RunOptions& options, const std::optional<std::string>& account_key);

/// Replaces the account's contacts (none removes them all) and remembers them.
AccountView update_account_contacts(const RunOptions& options,
                                    const std::vector<std::string>& emails);

/// Deactivates the account for good and forgets it; its key is not touched.
AccountView deactivate_account(const RunOptions& options);

/// The account after a key change.
struct Rollover {
    std::string account_url;
    std::string old_key_uri;  ///< still exists: nothing is destroyed
    std::string new_key_uri;
};

/// Moves the account to the key at `new_key` (generated there, of `type`, when missing)
/// (RFC 8555 §7.3.5) and remembers the new key.
Rollover roll_over_account_key(const RunOptions& options, const keystore::KeyUri& new_key,
                               keystore::KeyType type);

/// What the custody process of `account rollover` holds: the saved account key and the new
/// one, which signs only the key change custody builds.
CustodyPlan rollover_custody_plan(const RunOptions& options, const keystore::KeyUri& new_key,
                                  keystore::KeyType type);

}  // namespace hwacme::service
