#include "agent/acme/order.h"

#include <arpa/inet.h>

#include <boost/json.hpp>

#include "agent/acme/dns_name.h"
#include "common/base64url.h"
#include "common/error.h"
#include "common/json_member.h"
#include "common/log.h"

namespace hwacme::acme {
namespace {

std::optional<Problem> problem_member(const boost::json::object& obj) {
    auto* e = obj.if_contains("error");
    if (!e || !e->is_object()) return std::nullopt;
    return parse_problem("application/problem+json", boost::json::serialize(*e));
}

Identifier identifier_from(const boost::json::value& v) {
    if (!v.is_object()) return {};
    return {string_member(v.as_object(), "type"), string_member(v.as_object(), "value")};
}

}  // namespace

Identifier identifier_for(const std::string& name) {
    unsigned char buf[16];
    if (inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1)
        return {"ip", name};
    if (auto problem = dns_name_problem(name))
        throw Error(Errc::InvalidArgument, "the name '" + log::printable(name) +
                                               "' is not a DNS name or IP address: it " + *problem);
    return {"dns", name};
}

const Challenge* Authorization::challenge(std::string_view type) const {
    for (const auto& c : challenges)
        if (c.type == type) return &c;
    return nullptr;
}

Authorization Authorization::parse(const boost::json::object& json, std::string url) {
    Authorization authz;
    authz.url = std::move(url);
    authz.status = string_member(json, "status");
    if (auto* id = json.if_contains("identifier")) authz.identifier = identifier_from(*id);
    if (auto* w = json.if_contains("wildcard"); w && w->is_bool()) authz.wildcard = w->as_bool();
    if (auto* cs = json.if_contains("challenges"); cs && cs->is_array()) {
        for (auto& c : cs->as_array()) {
            if (!c.is_object()) continue;
            const auto& obj = c.as_object();
            authz.challenges.push_back({string_member(obj, "type"), string_member(obj, "url"),
                                        string_member(obj, "token"), string_member(obj, "status"),
                                        problem_member(obj)});
        }
    }
    return authz;
}

Order Order::parse(const boost::json::object& json, std::string url) {
    Order order;
    order.url = std::move(url);
    order.status = string_member(json, "status");
    order.finalize = string_member(json, "finalize");
    if (auto cert = string_member(json, "certificate"); !cert.empty()) order.certificate = cert;
    order.error = problem_member(json);
    if (auto* ids = json.if_contains("identifiers"); ids && ids->is_array())
        for (auto& id : ids->as_array()) order.identifiers.push_back(identifier_from(id));
    if (auto* as = json.if_contains("authorizations"); as && as->is_array())
        for (auto& a : as->as_array())
            if (a.is_string()) order.authorizations.emplace_back(a.as_string());
    return order;
}

Order new_order(AccountSession& session, const std::vector<Identifier>& identifiers,
                const NewOrderOptions& options) {
    boost::json::array ids;
    for (const auto& id : identifiers) ids.push_back({{"type", id.type}, {"value", id.value}});
    boost::json::object payload{{"identifiers", std::move(ids)}};
    if (options.replaces) payload["replaces"] = *options.replaces;
    if (options.profile) payload["profile"] = *options.profile;
    auto response =
        session.post(session.acme().directory().new_order, boost::json::serialize(payload));
    auto body = json_body(response, "new order (newOrder)");
    auto location = response.header("location");
    if (!location || location->empty())
        throw Error(Errc::Protocol, "the CA's newOrder answer has no Location (order URL)");
    return Order::parse(body, *location);
}

Order fetch_order(AccountSession& session, const std::string& url) {
    auto response = session.post_as_get(url);
    auto order = Order::parse(json_body(response, "order status"), url);
    order.retry_after = http::parse_retry_after(response.header("retry-after").value_or(""));
    return order;
}

Authorization fetch_authorization(AccountSession& session, const std::string& url) {
    auto response = session.post_as_get(url);
    auto authz = Authorization::parse(json_body(response, "authorization"), url);
    authz.retry_after = http::parse_retry_after(response.header("retry-after").value_or(""));
    return authz;
}

Authorization deactivate_authorization(AccountSession& session, const std::string& url) {
    auto response = session.post(url, R"({"status":"deactivated"})");
    return Authorization::parse(json_body(response, "authorization deactivation"), url);
}

Challenge answer_challenge(AccountSession& session, const std::string& url) {
    auto body = json_body(session.post(url, "{}"), "challenge response");
    return {string_member(body, "type"), url, string_member(body, "token"),
            string_member(body, "status"), problem_member(body)};
}

std::optional<Order> finalize_order(AccountSession& session, const Order& order, ByteView csr_der) {
    boost::json::object payload{{"csr", base64url_encode(csr_der)}};
    auto response = session.post(order.finalize, boost::json::serialize(payload));
    if (auto problem = problem_of(response); problem && problem->is("orderNotReady"))
        return std::nullopt;
    auto finalized = Order::parse(json_body(response, "order finalization"), order.url);
    finalized.retry_after = http::parse_retry_after(response.header("retry-after").value_or(""));
    return finalized;
}

CertificateChain download_certificate(AccountSession& session, const std::string& url) {
    auto response = session.post_as_get(url);
    require_success(response, "certificate download");
    if (response.body.find("-----BEGIN CERTIFICATE-----") == std::string::npos)
        throw Error(Errc::Protocol, "the certificate URL " + url + " did not return a PEM chain");
    return {response.body, response.links("alternate")};
}

}  // namespace hwacme::acme
