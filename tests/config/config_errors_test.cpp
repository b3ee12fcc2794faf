#include <catch2/catch.hpp>

#include "tests/config/config_text.h"

using namespace hwacme;

namespace {

/// A configuration whose "ca" fields are one per line from line 3 on, then no certificates.
std::string with_ca(const std::vector<std::string>& fields) {
    std::string out = "{\n  \"ca\": {\n";
    for (std::size_t i = 0; i < fields.size(); ++i)
        out += "    " + fields[i] + (i + 1 < fields.size() ? ",\n" : "\n");
    return out + "  }\n}\n";
}

const std::string kDirectory = "\"directory\": \"https://ca.example/directory\"";
const std::string kAccountKey = "\"account_key\": \"file:/var/lib/hwacme/account.pem\"";

}  // namespace

TEST_CASE("a syntax error names the line the parser stopped at", "[unit]") {
    std::string message = test::config_error("{\n  \"ca\": {\n    \"directory\": tru\n  }\n}\n");
    CHECK(message.rfind("hwacme.json:3: not valid JSON: ", 0) == 0);
    CHECK(message.find("'tru'") != std::string::npos);

    CHECK(test::config_error("{\n  \"a\": 1\n  \"b\": 2\n}").rfind("hwacme.json:3: ", 0) == 0);
    CHECK(test::config_error("{\n  \"ca\": {\n").rfind("hwacme.json:2: not valid JSON: ", 0) == 0);
    CHECK(test::config_error("{}\n{}\n").rfind("hwacme.json:2: not valid JSON: ", 0) == 0);
    CHECK(test::config_error("").rfind("hwacme.json:1: not valid JSON: ", 0) == 0);
}

TEST_CASE("the configuration must be an object with a ca", "[unit]") {
    CHECK(test::config_error("[1]").rfind("hwacme.json:1: must be an object", 0) == 0);
    CHECK_CONFIG_ERROR("{\n  \"certificates\": []\n}", 1, "ca", "missing");
}

TEST_CASE("unknown fields are refused at the top and in ca and eab", "[unit]") {
    CHECK_CONFIG_ERROR("{\n  \"ca\": {},\n\n  \"certifcates\": []\n}", 4, "certifcates",
                       "unknown field (known: state_dir, tcti, tpm_flush_stale, metrics_file, ca, "
                       "certificates)");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"emails\": []"}), 5, "ca.emails",
                       "unknown field");
    CHECK_CONFIG_ERROR(
        with_ca({kDirectory, kAccountKey, "\"eab\": {\"kid\": \"k\", \"hmac_key\": \"c2VjcmV0\"}"}),
        5, "ca.eab.hmac_key", "unknown field");
}

TEST_CASE("a field named twice in one object is refused", "[unit]") {
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, kDirectory}), 5, "ca.directory",
                       "appears twice");
}

TEST_CASE("the required ca fields are named when missing", "[unit]") {
    CHECK_CONFIG_ERROR(with_ca({kAccountKey}), 2, "ca.directory", "missing");
    CHECK_CONFIG_ERROR(with_ca({kDirectory}), 2, "ca.account_key", "missing");
}

TEST_CASE("ca fields of the wrong type are named with the type they need", "[unit]") {
    CHECK_CONFIG_ERROR(with_ca({"\"directory\": 42", kAccountKey}), 3, "ca.directory",
                       "must be a string, not a number");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"agree_tos\": \"yes\""}), 5,
                       "ca.agree_tos", "must be true or false, not a string");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"email\": \"ops@example.com\""}), 5,
                       "ca.email", "must be an array, not a string");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"email\": [\"ops@example.com\", 7]"}), 5,
                       "ca.email[1]", "must be a string");
    CHECK_CONFIG_ERROR("{\n  \"ca\": \"https://ca.example\"\n}", 2, "ca",
                       "must be an object, not a string");
}

TEST_CASE("bad ca values are refused", "[unit]") {
    CHECK_CONFIG_ERROR(with_ca({"\"directory\": \"ca.example/dir\"", kAccountKey}), 3,
                       "ca.directory", "'ca.example/dir' is not an https:// URL");
    CHECK_CONFIG_ERROR(with_ca({"\"directory\": \"http://ca.example/dir\"", kAccountKey}), 3,
                       "ca.directory",
                       "'http://ca.example/dir' is not an https:// URL (plain http only for a CA "
                       "on this machine's loopback)");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, "\"account_key\": \"vault:secret/key\""}), 4,
                       "ca.account_key", "unknown key URI scheme 'vault:'");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, "\"account_key\": \"pkcs11:token\""}), 4,
                       "ca.account_key", "invalid key URI");
    CHECK_CONFIG_ERROR(
        with_ca({kDirectory, "\"account_key\": \"pkcs11:object=acct-{generation}\""}), 4,
        "ca.account_key", "{generation} belongs in certificate key templates only");
    CHECK_CONFIG_ERROR(
        with_ca({kDirectory, "\"account_key\": \"pkcs11:token=a;object=b?pin-value=1234\""}), 4,
        "ca.account_key", "a PIN never goes into the configuration");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"account_key_type\": \"dsa\""}), 5,
                       "ca.account_key_type", "must be one of ec-p256");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"email\": [\"ops at example\"]"}), 5,
                       "ca.email[0]", "one e-mail address");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"ca_bundle\": \"roots.pem\""}), 5,
                       "ca.ca_bundle", "must be an absolute path");
}

TEST_CASE("eab needs both kid and hmac_key_file and a known alg", "[unit]") {
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey, "\"eab\": {\"kid\": \"k\"}"}), 5,
                       "ca.eab.hmac_key_file", "missing");
    CHECK_CONFIG_ERROR(
        with_ca({kDirectory, kAccountKey, "\"eab\": {\"hmac_key_file\": \"/etc/hwacme/eab\"}"}), 5,
        "ca.eab.kid", "missing");
    CHECK_CONFIG_ERROR(with_ca({kDirectory, kAccountKey,
                                "\"eab\": {\"kid\": \"k\", \"hmac_key_file\": \"/e\", "
                                "\"alg\": \"HS1\"}"}),
                       5, "ca.eab.alg", "must be \"HS256\", \"HS384\" or \"HS512\"");
}

TEST_CASE("state_dir and metrics_file must be absolute and tcti a string", "[unit]") {
    CHECK_CONFIG_ERROR("{\n  \"state_dir\": \"var/lib/hwacme\",\n  \"ca\": {}\n}", 2, "state_dir",
                       "must be an absolute path");
    CHECK_CONFIG_ERROR("{\n  \"tcti\": [],\n  \"ca\": {}\n}", 2, "tcti", "must be a string");
    CHECK_CONFIG_ERROR("{\n  \"metrics_file\": \"hwacme.prom\",\n  \"ca\": {}\n}", 2,
                       "metrics_file", "must be an absolute path");
}
