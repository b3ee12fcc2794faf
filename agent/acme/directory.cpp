#include "agent/acme/directory.h"

#include <boost/json.hpp>

#include "common/error.h"

namespace hwacme::acme {
namespace {

std::optional<std::string> optional_string(const boost::json::object& obj, std::string_view key) {
    if (auto* v = obj.if_contains(key); v && v->is_string()) return std::string(v->as_string());
    return std::nullopt;
}

std::string required_string(const boost::json::object& obj, std::string_view key,
                            const std::string& url) {
    auto value = optional_string(obj, key);
    if (!value)
        throw Error(Errc::Protocol,
                    "the ACME directory at " + url + " has no '" + std::string(key) + "' URL");
    return *value;
}

}  // namespace

Directory Directory::parse(std::string_view json, const std::string& url) {
    boost::system::error_code ec;
    auto value = boost::json::parse(json, ec);
    if (ec || !value.is_object())
        throw Error(Errc::Protocol, "the ACME directory at " + url + " is not a JSON object");
    const auto& obj = value.as_object();
    Directory dir;
    dir.new_nonce = required_string(obj, "newNonce", url);
    dir.new_account = required_string(obj, "newAccount", url);
    dir.new_order = required_string(obj, "newOrder", url);
    dir.revoke_cert = required_string(obj, "revokeCert", url);
    dir.key_change = optional_string(obj, "keyChange").value_or("");
    dir.new_authz = optional_string(obj, "newAuthz");
    dir.renewal_info = optional_string(obj, "renewalInfo");
    if (auto* meta = obj.if_contains("meta"); meta && meta->is_object()) {
        const auto& m = meta->as_object();
        dir.terms_of_service = optional_string(m, "termsOfService");
        dir.website = optional_string(m, "website");
        if (auto* ear = m.if_contains("externalAccountRequired"); ear && ear->is_bool())
            dir.external_account_required = ear->as_bool();
        if (auto* caa = m.if_contains("caaIdentities"); caa && caa->is_array())
            for (auto& id : caa->as_array())
                if (id.is_string()) dir.caa_identities.emplace_back(id.as_string());
        if (auto* profiles = m.if_contains("profiles"); profiles && profiles->is_object())
            for (auto& [name, description] : profiles->as_object()) dir.profiles.emplace_back(name);
    }
    return dir;
}

}  // namespace hwacme::acme
