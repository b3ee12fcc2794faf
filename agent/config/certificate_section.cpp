#include <arpa/inet.h>

#include <algorithm>
#include <set>

#include "agent/config/key_template.h"
#include "agent/config/sections.h"
#include "common/error.h"
#include "common/log.h"
#include "keystore/key_uri.h"

namespace hwacme::config {
namespace {

bool is_ip_literal(const std::string& text) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

/// The name is a file and folder name in the state and on the command line: no separators,
/// nothing a shell would expand, and not "." or "..".
void check_name(const ObjectReader& certificate, const std::string& name) {
    bool allowed = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
    if (!allowed || name == "." || name == "..")
        certificate.fail("name",
                         "must be letters, digits, '.', '_' and '-' only (and not \".\" "
                         "or \"..\"), not '" +
                             log::printable(name) + "'");
}

/// RFC 8555 §7.1.3 wildcards are proven by dns-01 only; RFC 8738 §7: IP addresses never are.
void check_identifiers(const ObjectReader& certificate, const std::vector<std::string>& names,
                       const std::string& challenge_type) {
    if (names.empty()) certificate.fail("identifiers", "must list at least one name");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string& name = names[i];
        std::string field = "identifiers[" + std::to_string(i) + "]";
        if (!seen.insert(name).second)
            certificate.fail(field, "'" + log::printable(name) + "' is listed twice");
        if (name.find('*', name.rfind("*.", 0) == 0 ? 1 : 0) != std::string::npos)
            certificate.fail(field, "a wildcard must be the whole first label, like *.example.com");
        if (name.rfind("*.", 0) == 0 && challenge_type != "dns-01")
            certificate.fail(field,
                             "a wildcard name needs the dns-01 challenge (set "
                             "challenge.type to \"dns-01\" with a dns_hook)");
        if (challenge_type == "dns-01" && is_ip_literal(name))
            certificate.fail(field,
                             "an IP address cannot be proven by dns-01: use http-01 or "
                             "tls-alpn-01");
    }
}

KeyPolicy read_key_policy(const ObjectReader& certificate) {
    auto policy = certificate.string("key_policy");
    if (!policy || *policy == "rotate") return KeyPolicy::Rotate;
    if (*policy == "reuse") return KeyPolicy::Reuse;
    certificate.fail("key_policy", "must be \"reuse\" or \"rotate\"");
}

/// The operator's own key URI turned into a template, for the error that asks for one: the
/// number goes before a file name's extension, else at the end of the URI's path part.
std::string suggested_template(const std::string& uri) {
    std::string head = uri.substr(0, uri.find('?'));
    std::string query = uri.substr(head.size());
    std::size_t at = head.size();
    if (head.rfind("file:", 0) == 0 || head.rfind("tpm2:path=", 0) == 0) {
        std::size_t name = head.rfind('/') + 1;  // npos + 1 == 0: no folder
        std::size_t dot = head.find('.', name);
        if (dot != std::string::npos && dot > name) at = dot;
    }
    return head.substr(0, at) + "-" + std::string(kGenerationPlaceholder) + head.substr(at) + query;
}

/// With "rotate" each renewal makes a new key, which needs a URI template with a place for its
/// number; with "reuse" there is one key and one URI.
void check_key_matches_policy(const ObjectReader& certificate, const CertificateConfig& out) {
    bool is_template = is_key_template(out.key_uri);
    if (out.key_policy == KeyPolicy::Rotate && !is_template)
        certificate.fail("key",
                         "key_policy \"rotate\" (the default) makes a new key at each "
                         "renewal and needs a key URI template holding {generation}, e.g. \"" +
                             log::printable(suggested_template(out.key_uri)) +
                             "\"; or set key_policy to \"reuse\" to keep this one key");
    if (out.key_policy == KeyPolicy::Reuse && is_template)
        certificate.fail("key",
                         "key_policy \"reuse\" keeps one key: give its URI without {generation}, "
                         "or set key_policy to \"rotate\"");
}

void read_key(const ObjectReader& certificate, CertificateConfig& out) {
    out.key_uri = certificate.required_string(
        "key",
        "the certificate key's URI template, e.g. \"pkcs11:token=t;object=www-{generation}\"");
    if (auto type = certificate.string("key_type")) {
        auto parsed = keystore::parse_key_type(*type);
        if (!parsed) certificate.fail("key_type", "must be one of " + keystore::key_type_names());
        out.key_type = *parsed;
    }
    out.key_policy = read_key_policy(certificate);
    check_key_uri(certificate, "key", out.key_uri, true);
    check_key_matches_policy(certificate, out);
    if (auto grace = certificate.duration("key_grace_period")) out.key_grace_period = *grace;
}

void read_publishing(const ObjectReader& certificate, CertificateConfig& out) {
    auto output_dir = certificate.absolute_path("output_dir");
    if (!output_dir)
        certificate.fail_missing("output_dir", "the folder the certificate is published in");
    out.output_dir = *output_dir;
    if (auto mode = certificate.file_mode("file_mode")) out.file_mode = *mode;
    if (auto hook = certificate.absolute_path("deploy_hook")) out.deploy_hook = hook->string();
    if (auto before = certificate.duration("renew_before")) {
        if (before->count() == 0) certificate.fail("renew_before", "must be more than 0");
        out.renew_before = *before;
    }
    if (auto chain = certificate.string("preferred_chain")) out.preferred_chain = *chain;
    if (auto profile = certificate.string("profile")) out.profile = *profile;
}

}  // namespace

void check_key_uri(const ObjectReader& object, std::string_view field, const std::string& uri,
                   bool template_allowed) {
    if (!template_allowed && is_key_template(uri))
        object.fail(field,
                    "{generation} belongs in certificate key templates only: give the "
                    "account key's own URI");
    try {
        auto parsed = keystore::KeyUri::parse(key_uri_for_generation(uri, 1));
        if (parsed.query("pin-value"))
            object.fail(field,
                        "a PIN never goes into the configuration: use "
                        "pin-source=file:/path/to/pin or HWACME_PKCS11_PIN");
    } catch (const Error& e) {
        if (e.code() != Errc::InvalidUri) throw;
        object.fail(field, e.what());
    }
}

CertificateConfig read_certificate(const ConfigSource& source, const boost::json::value& value,
                                   std::string path) {
    ObjectReader certificate(
        source, value, std::move(path),
        {"name", "identifiers", "key", "key_type", "key_policy", "key_grace_period", "challenge",
         "output_dir", "file_mode", "deploy_hook", "renew_before", "preferred_chain", "profile"});
    CertificateConfig out;
    out.name = certificate.required_string("name", "the certificate's name, e.g. \"www\"");
    check_name(certificate, out.name);
    auto identifiers = certificate.strings("identifiers");
    if (!identifiers)
        certificate.fail_missing("identifiers", "the DNS names and IP addresses to certify");
    out.identifiers = *identifiers;
    read_key(certificate, out);
    if (const auto* challenge = certificate.find("challenge"))
        out.challenge =
            read_challenge(ObjectReader(source, *challenge, certificate.path_of("challenge"),
                                        {"type", "listen_address", "http_port", "tls_port",
                                         "webroot", "dns_hook", "dns_propagation_wait"}));
    check_identifiers(certificate, out.identifiers, out.challenge.type);
    read_publishing(certificate, out);
    return out;
}

}  // namespace hwacme::config
