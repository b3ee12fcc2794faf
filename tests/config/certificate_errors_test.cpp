#include <catch2/catch.hpp>

#include "tests/config/config_text.h"

using hwacme::test::OneCertificate;

namespace {

const std::string kCertificate = "certificates[0]";

std::string field(const std::string& name) {
    return kCertificate + "." + name;
}

}  // namespace

TEST_CASE("the certificate builder of these tests makes a valid configuration", "[unit]") {
    auto config = hwacme::config::parse_config(OneCertificate().text(), "hwacme.json");
    CHECK(config.certificates.at(0).name == "www");
}

TEST_CASE("an unknown certificate field is refused on its line", "[unit]") {
    OneCertificate c;
    c.set("keypolicy", "\"reuse\"");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("keypolicy"), field("keypolicy"),
                       "unknown field (known: name, identifiers, key, ");
}

TEST_CASE("each required certificate field is named when missing", "[unit]") {
    for (const char* name : {"name", "identifiers", "key", "output_dir"}) {
        INFO(name);
        CHECK_CONFIG_ERROR(OneCertificate().erase(name).text(), OneCertificate::kObjectLine,
                           field(name), "missing");
    }
}

TEST_CASE("certificate fields of the wrong type are refused", "[unit]") {
    OneCertificate c;
    c.set("identifiers", "\"www.example.com\"");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("identifiers"), field("identifiers"),
                       "must be an array, not a string");
    OneCertificate name;
    name.set("name", "1");
    CHECK_CONFIG_ERROR(name.text(), name.line_of("name"), field("name"),
                       "must be a string, not a number");
    OneCertificate challenge;
    challenge.set("challenge", "\"dns-01\"");
    CHECK_CONFIG_ERROR(challenge.text(), challenge.line_of("challenge"), field("challenge"),
                       "must be an object, not a string");
    CHECK_CONFIG_ERROR(
        "{\"ca\": {\"directory\": \"https://c/d\", \"account_key\": \"file:/a\"},\n"
        " \"certificates\": {}}",
        2, "certificates", "must be an array");
}

TEST_CASE("identifiers must be a non-empty list of distinct names", "[unit]") {
    OneCertificate empty;
    empty.set("identifiers", "[]");
    CHECK_CONFIG_ERROR(empty.text(), empty.line_of("identifiers"), field("identifiers"),
                       "at least one");
    OneCertificate blank;
    blank.set("identifiers", "[\"a.example\", \"\"]");
    CHECK_CONFIG_ERROR(blank.text(), blank.line_of("identifiers"), field("identifiers[1]"),
                       "must not be empty");
    OneCertificate twice;
    twice.set("identifiers", "[\"a.example\", \"a.example\"]");
    CHECK_CONFIG_ERROR(twice.text(), twice.line_of("identifiers"), field("identifiers[1]"),
                       "listed twice");
}

TEST_CASE("bad and duplicate certificate names are refused", "[unit]") {
    for (const char* bad : {"\"www example\"", "\"../etc\"", "\"..\"", "\"w/w\"", "\"ä\""}) {
        INFO(bad);
        OneCertificate c;
        c.set("name", bad);
        CHECK_CONFIG_ERROR(c.text(), c.line_of("name"), field("name"), "must be letters, digits");
    }
    std::string text = R"({
  "ca": {"directory": "https://ca.example/d", "account_key": "file:/a.pem"},
  "certificates": [
    {"name": "www", "identifiers": ["a.example"], "key": "file:/a-{generation}.pem",
     "output_dir": "/o/a"},
    {"identifiers": ["b.example"], "key": "file:/b-{generation}.pem",
     "name": "www", "output_dir": "/o/b"}
  ]
})";
    CHECK_CONFIG_ERROR(text, 7, "certificates[1].name", "must be unique");
}

TEST_CASE("a key URI that does not parse is refused with the parser's reason", "[unit]") {
    OneCertificate c;
    c.set("key", "\"pkcs11:token=t;object=www-{generation};token=u\"");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("key"), field("key"), "appears twice");
    OneCertificate scheme;
    scheme.set("key", "\"hsm:www-{generation}\"");
    CHECK_CONFIG_ERROR(scheme.text(), scheme.line_of("key"), field("key"),
                       "unknown key URI scheme");
}

TEST_CASE("key_policy rotate needs a {generation} template and says how to write one", "[unit]") {
    OneCertificate c;
    c.set("key", "\"pkcs11:token=t;object=www\"");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("key"), field("key"),
                       "needs a key URI template holding {generation}");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("key"), field("key"), "or set key_policy to \"reuse\"");
    c.set("key_policy", "\"rotate\"");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("key"), field("key"),
                       "e.g. \"pkcs11:token=t;object=www-{generation}\"");
    c.set("key", "\"file:/var/lib/hwacme/www.key.pem\"");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("key"), field("key"),
                       "e.g. \"file:/var/lib/hwacme/www-{generation}.key.pem\"");
    c.set("key", "\"pkcs11:token=t;object=www?pin-source=file:/etc/pin.txt\"");
    CHECK_CONFIG_ERROR(
        c.text(), c.line_of("key"), field("key"),
        "e.g. \"pkcs11:token=t;object=www-{generation}?pin-source=file:/etc/pin.txt\"");
}

TEST_CASE("key_policy reuse refuses a {generation} template", "[unit]") {
    OneCertificate c;
    c.set("key_policy", "\"reuse\"");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("key"), field("key"), "without {generation}");
}

TEST_CASE("key_policy and key_type must be known words", "[unit]") {
    OneCertificate policy;
    policy.set("key_policy", "\"sometimes\"");
    CHECK_CONFIG_ERROR(policy.text(), policy.line_of("key_policy"), field("key_policy"),
                       "must be \"reuse\" or \"rotate\"");
    OneCertificate type;
    type.set("key_type", "\"ed25519\"");
    CHECK_CONFIG_ERROR(type.text(), type.line_of("key_type"), field("key_type"),
                       "must be one of ec-p256, ec-p384");
}

TEST_CASE("challenge types other than the three are refused", "[unit]") {
    OneCertificate c;
    c.set("challenge", "{\"type\": \"dns-02\"}");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("challenge"), field("challenge.type"),
                       "must be \"http-01\", \"dns-01\" or \"tls-alpn-01\"");
    OneCertificate unknown;
    unknown.set("challenge", "{\"type\": \"http-01\", \"port\": 80}");
    CHECK_CONFIG_ERROR(unknown.text(), unknown.line_of("challenge"), field("challenge.port"),
                       "unknown field");
}

TEST_CASE("dns-01 without dns_hook is refused", "[unit]") {
    OneCertificate c;
    c.set("challenge", "{\"type\": \"dns-01\"}");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("challenge"), field("challenge.dns_hook"),
                       "missing: dns-01 needs");
}

TEST_CASE("webroot with tls-alpn-01 and dns_hook with http-01 are refused", "[unit]") {
    OneCertificate c;
    c.set("challenge", "{\"type\": \"tls-alpn-01\", \"webroot\": \"/var/www\"}");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("challenge"), field("challenge.webroot"),
                       "http-01 only, not tls-alpn-01");
    OneCertificate hook;
    hook.set("challenge", "{\"dns_hook\": \"/usr/bin/hook\"}");
    CHECK_CONFIG_ERROR(hook.text(), hook.line_of("challenge"), field("challenge.dns_hook"),
                       "dns-01 only");
}

TEST_CASE("a wildcard identifier needs dns-01", "[unit]") {
    OneCertificate c;
    c.set("identifiers", "[\"example.com\", \"*.example.com\"]");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("identifiers"), field("identifiers[1]"),
                       "a wildcard name needs the dns-01 challenge");
    c.set("challenge", "{\"type\": \"dns-01\", \"dns_hook\": \"/usr/bin/hook\"}");
    auto config = hwacme::config::parse_config(c.text(), "hwacme.json");
    CHECK(config.certificates[0].identifiers[1] == "*.example.com");

    OneCertificate inner;
    inner.set("identifiers", "[\"www.*.example.com\"]");
    CHECK_CONFIG_ERROR(inner.text(), inner.line_of("identifiers"), field("identifiers[0]"),
                       "whole first label");
}

TEST_CASE("an IP address identifier with dns-01 is refused", "[unit]") {
    OneCertificate c;
    c.set("identifiers", "[\"192.0.2.7\"]");
    c.set("challenge", "{\"type\": \"dns-01\", \"dns_hook\": \"/usr/bin/hook\"}");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("identifiers"), field("identifiers[0]"),
                       "cannot be proven by dns-01");
}

TEST_CASE("ports out of range or not numbers are refused", "[unit]") {
    for (const char* bad : {"0", "65536", "-1", "\"80\"", "80.5"}) {
        INFO(bad);
        OneCertificate c;
        c.set("challenge", std::string("{\"http_port\": ") + bad + "}");
        CHECK_CONFIG_ERROR(c.text(), c.line_of("challenge"), field("challenge.http_port"),
                           "must be a port number from 1 to 65535");
    }
    OneCertificate tls;
    tls.set("challenge", "{\"type\": \"tls-alpn-01\",\n\"tls_port\": 100000}");
    CHECK_CONFIG_ERROR(tls.text(), tls.line_of("challenge") + 1, field("challenge.tls_port"),
                       "1 to 65535");
}

TEST_CASE("listen_address must be an IP address", "[unit]") {
    OneCertificate c;
    c.set("challenge", "{\"listen_address\": \"localhost\"}");
    CHECK_CONFIG_ERROR(c.text(), c.line_of("challenge"), field("challenge.listen_address"),
                       "IPv4 or IPv6 address");
}

TEST_CASE("listen_address as a list must name IP addresses, at least one", "[unit]") {
    OneCertificate host_name;
    host_name.set("challenge", "{\"listen_address\": [\"::1\", \"localhost\"]}");
    CHECK_CONFIG_ERROR(host_name.text(), host_name.line_of("challenge"),
                       field("challenge.listen_address"), "not 'localhost'");
    OneCertificate empty;
    empty.set("challenge", "{\"listen_address\": []}");
    CHECK_CONFIG_ERROR(empty.text(), empty.line_of("challenge"), field("challenge.listen_address"),
                       "at least one address");
    OneCertificate number;
    number.set("challenge", "{\"listen_address\": [80]}");
    CHECK_CONFIG_ERROR(number.text(), number.line_of("challenge"),
                       field("challenge.listen_address[0]"), "must be a string");
}

TEST_CASE("bad durations are refused with the accepted forms", "[unit]") {
    for (const char* bad : {"\"7 days\"", "\"-1s\"", "1.5", "\"90\"", "-5", "\"1w\"", "true"}) {
        INFO(bad);
        OneCertificate c;
        c.set("key_grace_period", bad);
        CHECK_CONFIG_ERROR(c.text(), c.line_of("key_grace_period"), field("key_grace_period"),
                           "must be a duration: whole seconds as a number, or a string like");
    }
    OneCertificate wait;
    wait.set("challenge",
             "{\"type\": \"dns-01\", \"dns_hook\": \"/h\", "
             "\"dns_propagation_wait\": \"soon\"}");
    CHECK_CONFIG_ERROR(wait.text(), wait.line_of("challenge"),
                       field("challenge.dns_propagation_wait"), "must be a duration");
    OneCertificate zero;
    zero.set("renew_before", "\"0d\"");
    CHECK_CONFIG_ERROR(zero.text(), zero.line_of("renew_before"), field("renew_before"),
                       "more than 0");
}

TEST_CASE("bad file modes are refused", "[unit]") {
    for (const char* bad : {"\"0999\"", "\"01777\"", "644", "\"rw-r--r--\"", "\"\""}) {
        INFO(bad);
        OneCertificate c;
        c.set("file_mode", bad);
        CHECK_CONFIG_ERROR(c.text(), c.line_of("file_mode"), field("file_mode"),
                           "must be an octal file mode in a string");
    }
}

TEST_CASE("relative paths are refused", "[unit]") {
    OneCertificate out;
    out.set("output_dir", "\"live/www\"");
    CHECK_CONFIG_ERROR(out.text(), out.line_of("output_dir"), field("output_dir"),
                       "must be an absolute path (starting with /), not 'live/www'");
    OneCertificate hook;
    hook.set("deploy_hook", "\"reload.sh\"");
    CHECK_CONFIG_ERROR(hook.text(), hook.line_of("deploy_hook"), field("deploy_hook"),
                       "must be an absolute path");
    OneCertificate webroot;
    webroot.set("challenge", "{\"webroot\": \"www\"}");
    CHECK_CONFIG_ERROR(webroot.text(), webroot.line_of("challenge"), field("challenge.webroot"),
                       "must be an absolute path");
}
