#include "agent/acme/account.h"

#include <boost/json.hpp>

#include "common/error.h"

namespace hwacme::acme {
namespace {

Account account_from(const http::Response& response, const boost::json::object& body) {
    Account account;
    auto location = response.header("location");
    if (!location || location->empty())
        throw Error(Errc::Protocol, "the CA's newAccount answer has no Location (account URL)");
    account.url = *location;
    if (auto* s = body.if_contains("status"); s && s->is_string())
        account.status = std::string(s->as_string());
    if (auto* c = body.if_contains("contact"); c && c->is_array())
        for (auto& contact : c->as_array())
            if (contact.is_string()) account.contacts.emplace_back(contact.as_string());
    if (auto* o = body.if_contains("orders"); o && o->is_string())
        account.orders = std::string(o->as_string());
    return account;
}

}  // namespace

Account register_account(Client& acme, const keystore::Key& key,
                         const std::vector<std::string>& emails, bool agree_tos) {
    boost::json::object payload;
    boost::json::array contacts;
    for (const auto& email : emails) {
        if (email.find('@') == std::string::npos ||
            email.find_first_of(",\r\n ") != std::string::npos)
            throw Error(Errc::InvalidArgument, "not an e-mail address: '" + email + "'");
        contacts.emplace_back("mailto:" + email);
    }
    if (!contacts.empty()) payload["contact"] = std::move(contacts);
    if (agree_tos) payload["termsOfServiceAgreed"] = true;
    auto response =
        acme.post(acme.directory().new_account, boost::json::serialize(payload), key, std::nullopt);
    return account_from(response, json_body(response, "account registration (newAccount)"));
}

std::optional<Account> find_account(Client& acme, const keystore::Key& key) {
    auto response = acme.post(acme.directory().new_account, R"({"onlyReturnExisting":true})", key,
                              std::nullopt);
    if (auto problem = problem_of(response); problem && problem->is("accountDoesNotExist"))
        return std::nullopt;
    return account_from(response, json_body(response, "account lookup (onlyReturnExisting)"));
}

}  // namespace hwacme::acme
