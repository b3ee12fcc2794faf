#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/acme/client.h"
#include "agent/signing/request_signer.h"
#include "common/bytes.h"
#include "common/secret_file.h"

namespace hwacme::acme {

/// An ACME account as the CA describes it (RFC 8555 §7.1.2).
struct Account {
    std::string url;  ///< the account URL, used as `kid`
    std::string status;
    std::vector<std::string> contacts;
    std::string orders;
};

/// A binding to an account the operator holds at the CA outside ACME (RFC 8555 §7.3.4).
struct ExternalAccountBinding {
    std::string kid;
    /// Shared, never copied: wiped when the last holder lets it go.
    std::shared_ptr<const Secret> hmac_key;
    std::string alg = "HS256";

    ByteView mac_key() const { return hmac_key ? as_bytes(hmac_key->view()) : ByteView{}; }
};

/// Makes the externalAccountBinding member of a newAccount request (RFC 8555 §7.3.4): the HMAC
/// JWS over the account key's JWK. Here with the MAC key (MacKeyBinding), or in the key custody
/// process, which holds the MAC key instead of the network process.
class AccountBinding {
public:
    virtual ~AccountBinding() = default;
    /// The flattened JWS for the newAccount URL `url`.
    virtual std::string bind(const signing::RequestSigner& account_key,
                             const std::string& url) const = 0;
};

/// The binding made in this process with the MAC key.
class MacKeyBinding final : public AccountBinding {
public:
    explicit MacKeyBinding(ExternalAccountBinding eab) : eab_(std::move(eab)) {}
    std::string bind(const signing::RequestSigner& account_key,
                     const std::string& url) const override;

private:
    ExternalAccountBinding eab_;
};

/// Creates the account for `key`, or finds the existing one (the CA answers 200 for a key it
/// knows). `emails` become mailto: contacts. `agree_tos` sends termsOfServiceAgreed; without it
/// a CA with terms answers userActionRequired or malformed, reported as it says. `binding`, when
/// given, binds the account to one the operator holds at the CA.
Account register_account(Client& acme, const signing::RequestSigner& key,
                         const std::vector<std::string>& emails, bool agree_tos,
                         const AccountBinding* binding = nullptr);

/// Looks the account up from the key alone (onlyReturnExisting, RFC 8555 §7.3.1); nullopt when
/// the CA answers accountDoesNotExist.
std::optional<Account> find_account(Client& acme, const signing::RequestSigner& key);

class AccountSession;

/// The account object as the CA has it now (POST-as-GET to the account URL, RFC 8555 §7.3).
Account fetch_account(AccountSession& session);

/// Replaces the contact list (RFC 8555 §7.3.2); empty `emails` removes every contact.
Account update_account_contacts(AccountSession& session, const std::vector<std::string>& emails);

/// Deactivates the account for good (RFC 8555 §7.3.6): the CA refuses its key from then on.
Account deactivate_account(AccountSession& session);

/// Makes the inner JWS of an account key change (RFC 8555 §7.3.5), signed by the new key with
/// its jwk, the keyChange URL and no nonce, naming the account and its old key: here
/// (NewKeyChange), or in the key custody process, which builds it from the keys it holds.
class KeyChangeSigner {
public:
    virtual ~KeyChangeSigner() = default;
    virtual std::string inner_jws(const std::string& url, const std::string& account_url,
                                  const EVP_PKEY* old_key) const = 0;
};

/// The inner JWS signed here by `new_key`, which must outlive it.
class NewKeyChange final : public KeyChangeSigner {
public:
    explicit NewKeyChange(const signing::RequestSigner& new_key) : new_key_(new_key) {}
    std::string inner_jws(const std::string& url, const std::string& account_url,
                          const EVP_PKEY* old_key) const override;

private:
    const signing::RequestSigner& new_key_;
};

/// Rolls the account over to the new key of `new_key` (RFC 8555 §7.3.5): the inner JWS, signed
/// by the new key, names the account and the old key; the outer one is signed by the old key.
/// Only when the CA accepted does the account answer to the new key; the old key is not touched.
void change_account_key(AccountSession& session, const KeyChangeSigner& new_key);

/// A signed-in account: every request is signed by the account key with the `kid` header.
class AccountSession {
public:
    AccountSession(Client& acme, const signing::RequestSigner& key, std::string account_url)
        : acme_(acme), key_(key), account_url_(std::move(account_url)) {}

    http::Response post(const std::string& url, std::string_view payload) {
        return acme_.post(url, payload, key_, account_url_);
    }
    http::Response post_as_get(const std::string& url) { return post(url, ""); }

    Client& acme() { return acme_; }
    const signing::RequestSigner& key() const { return key_; }
    const std::string& account_url() const { return account_url_; }

private:
    Client& acme_;
    const signing::RequestSigner& key_;
    std::string account_url_;
};

}  // namespace hwacme::acme
