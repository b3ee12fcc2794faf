#include <algorithm>
#include <array>

#include "agent/config/sections.h"
#include "agent/http/url_policy.h"
#include "common/log.h"

namespace hwacme::config {
namespace {

constexpr std::array<std::string_view, 3> kEabAlgorithms{"HS256", "HS384", "HS512"};

void check_url(const ObjectReader& ca, std::string_view field, const std::string& url) {
    if (auto problem = http::directory_url_problem(url)) ca.fail(field, *problem);
}

void read_emails(const ObjectReader& ca, CaConfig& out) {
    auto emails = ca.strings("email");
    if (!emails) return;
    for (std::size_t i = 0; i < emails->size(); ++i) {
        std::string email = (*emails)[i];
        if (email.rfind("mailto:", 0) == 0) email.erase(0, 7);
        if (email.find('@') == std::string::npos ||
            email.find_first_of(" \t,;<>") != std::string::npos)
            ca.fail(std::string("email[") + std::to_string(i) + "]",
                    "must be one e-mail address like ops@example.com, not '" +
                        log::printable(email) + "'");
        out.emails.push_back(std::move(email));
    }
}

/// External account binding (RFC 8555 §7.3.4). The HMAC key is a secret: the configuration
/// only says which file holds it.
void read_eab(const ObjectReader& ca, CaConfig& out) {
    const auto* value = ca.find("eab");
    if (!value) return;
    ObjectReader eab(ca.source(), *value, ca.path_of("eab"), {"kid", "hmac_key_file", "alg"});
    auto kid = eab.string("kid");
    auto key_file = eab.absolute_path("hmac_key_file");
    if (!kid) eab.fail_missing("kid", "the key identifier the CA gave with the HMAC key");
    if (!key_file)
        eab.fail_missing("hmac_key_file",
                         "the path of the file holding the CA's base64url HMAC key (the key "
                         "itself never goes into the configuration)");
    out.eab_kid = *kid;
    out.eab_hmac_key_file = *key_file;
    if (auto alg = eab.string("alg")) {
        if (std::find(kEabAlgorithms.begin(), kEabAlgorithms.end(), *alg) == kEabAlgorithms.end())
            eab.fail("alg", "must be \"HS256\", \"HS384\" or \"HS512\"");
        out.eab_alg = *alg;
    }
}

}  // namespace

CaConfig read_ca(const ObjectReader& ca) {
    CaConfig out;
    out.directory_url = ca.required_string("directory", "the ACME directory URL of the CA");
    check_url(ca, "directory", out.directory_url);
    if (auto staging = ca.string("staging_directory")) {
        check_url(ca, "staging_directory", *staging);
        out.staging_directory_url = *staging;
    }
    if (auto bundle = ca.absolute_path("ca_bundle")) out.ca_bundle = *bundle;
    out.account_key_uri = ca.required_string(
        "account_key", "the key URI of the account key, e.g. \"pkcs11:token=acme;object=account\"");
    check_key_uri(ca, "account_key", out.account_key_uri, false);
    if (auto type = ca.string("account_key_type")) {
        auto parsed = keystore::parse_key_type(*type);
        if (!parsed) ca.fail("account_key_type", "must be one of " + keystore::key_type_names());
        out.account_key_type = *parsed;
    }
    read_emails(ca, out);
    if (auto agree = ca.boolean("agree_tos")) out.agree_tos = *agree;
    read_eab(ca, out);
    return out;
}

}  // namespace hwacme::config
