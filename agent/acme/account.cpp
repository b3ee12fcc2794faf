#include "agent/acme/account.h"

#include <boost/json.hpp>

#include "agent/jose/eab.h"
#include "agent/jose/jwk.h"
#include "common/error.h"

namespace hwacme::acme {
namespace {

Account account_from(std::string url, const boost::json::object& body) {
    Account account;
    account.url = std::move(url);
    if (auto* s = body.if_contains("status"); s && s->is_string())
        account.status = std::string(s->as_string());
    if (auto* c = body.if_contains("contact"); c && c->is_array())
        for (auto& contact : c->as_array())
            if (contact.is_string()) account.contacts.emplace_back(contact.as_string());
    if (auto* o = body.if_contains("orders"); o && o->is_string())
        account.orders = std::string(o->as_string());
    return account;
}

Account account_from(const http::Response& response, const boost::json::object& body) {
    auto location = response.header("location");
    if (!location || location->empty())
        throw Error(Errc::Protocol, "the CA's newAccount answer has no Location (account URL)");
    return account_from(*location, body);
}

boost::json::array mailto_contacts(const std::vector<std::string>& emails) {
    boost::json::array contacts;
    for (const auto& email : emails) {
        if (email.find('@') == std::string::npos ||
            email.find_first_of(",\r\n ") != std::string::npos)
            throw Error(Errc::InvalidArgument, "not an e-mail address: '" + email + "'");
        contacts.emplace_back("mailto:" + email);
    }
    return contacts;
}

}  // namespace

std::string MacKeyBinding::bind(const signing::RequestSigner& account_key,
                                const std::string& url) const {
    return jose::external_account_binding(account_key.public_key().get(), eab_.kid, eab_.mac_key(),
                                          eab_.alg, url);
}

Account register_account(Client& acme, const signing::RequestSigner& key,
                         const std::vector<std::string>& emails, bool agree_tos,
                         const AccountBinding* binding) {
    boost::json::object payload;
    if (auto contacts = mailto_contacts(emails); !contacts.empty())
        payload["contact"] = std::move(contacts);
    if (agree_tos) payload["termsOfServiceAgreed"] = true;
    if (binding)
        payload["externalAccountBinding"] =
            boost::json::parse(binding->bind(key, acme.directory().new_account));
    auto response =
        acme.post(acme.directory().new_account, boost::json::serialize(payload), key, std::nullopt);
    return account_from(response, json_body(response, "account registration (newAccount)"));
}

std::optional<Account> find_account(Client& acme, const signing::RequestSigner& key) {
    auto response = acme.post(acme.directory().new_account, R"({"onlyReturnExisting":true})", key,
                              std::nullopt);
    if (auto problem = problem_of(response); problem && problem->is("accountDoesNotExist"))
        return std::nullopt;
    return account_from(response, json_body(response, "account lookup (onlyReturnExisting)"));
}

}  // namespace hwacme::acme

namespace hwacme::acme {

Account fetch_account(AccountSession& session) {
    auto response = session.post_as_get(session.account_url());
    return account_from(session.account_url(), json_body(response, "account lookup"));
}

Account update_account_contacts(AccountSession& session, const std::vector<std::string>& emails) {
    boost::json::object payload{{"contact", mailto_contacts(emails)}};
    auto response = session.post(session.account_url(), boost::json::serialize(payload));
    return account_from(session.account_url(), json_body(response, "account update"));
}

Account deactivate_account(AccountSession& session) {
    auto response = session.post(session.account_url(), R"({"status":"deactivated"})");
    return account_from(session.account_url(), json_body(response, "account deactivation"));
}

std::string NewKeyChange::inner_jws(const std::string& url, const std::string& account_url,
                                    const EVP_PKEY* old_key) const {
    boost::json::object payload{{"account", account_url},
                                {"oldKey", boost::json::parse(jose::jwk_json(old_key))}};
    return new_key_.sign_request(boost::json::serialize(payload), url, std::nullopt, std::nullopt);
}

void change_account_key(AccountSession& session, const KeyChangeSigner& new_key) {
    const std::string& url = session.acme().directory().key_change;
    if (url.empty()) throw Error(Errc::Unsupported, "the CA's directory offers no keyChange");
    auto old_key = session.key().public_key();
    std::string inner = new_key.inner_jws(url, session.account_url(), old_key.get());
    require_success(session.post(url, inner), "account key change (keyChange)");
}

}  // namespace hwacme::acme
