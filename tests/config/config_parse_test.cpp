#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "agent/config/config.h"
#include "common/error.h"
#include "tests/config/config_text.h"

using namespace hwacme;
using namespace hwacme::config;
using namespace std::chrono_literals;

namespace {

constexpr const char* kFull = R"({
  "state_dir": "/var/lib/hwacme-test",
  "tcti": "swtpm:host=127.0.0.1,port=2321",
  "metrics_file": "/var/lib/prometheus/node-exporter/hwacme.prom",
  "ca": {
    "directory": "https://ca.example/directory",
    "staging_directory": "https://staging.ca.example/directory",
    "ca_bundle": "/etc/hwacme/roots.pem",
    "account_key": "pkcs11:token=acme;object=account?pin-source=file:/etc/hwacme/pin",
    "account_key_type": "ec-p384",
    "email": ["ops@example.com", "mailto:security@example.com"],
    "agree_tos": true,
    "eab": {"kid": "kid-7", "hmac_key_file": "/etc/hwacme/eab.key", "alg": "HS512"}
  },
  "certificates": [
    {
      "name": "www",
      "identifiers": ["www.example.com", "example.com", "192.0.2.7"],
      "key": "pkcs11:token=t;object=www-{generation}",
      "key_type": "rsa3072",
      "key_policy": "rotate",
      "key_grace_period": "2d",
      "challenge": {"type": "http-01", "listen_address": "::", "http_port": 8080,
                    "tls_port": 8443, "webroot": "/var/www/html"},
      "output_dir": "/etc/hwacme/live/www",
      "file_mode": "0640",
      "deploy_hook": "/usr/local/bin/reload",
      "renew_before": "30d",
      "preferred_chain": "ISRG Root X1",
      "profile": "tlsserver"
    },
    {
      "name": "wild.card_1",
      "identifiers": ["*.example.com"],
      "key": "tpm2:path=/var/lib/hwacme/wild.tss2.pem",
      "key_policy": "reuse",
      "challenge": {"type": "dns-01", "dns_hook": "/usr/local/bin/dns-hook",
                    "dns_propagation_wait": 45},
      "output_dir": "/etc/hwacme/live/wild"
    }
  ]
})";

}  // namespace

TEST_CASE("a full configuration parses to the values it states", "[unit]") {
    Config config = parse_config(kFull, "/etc/hwacme/hwacme.json");
    CHECK(config.source == "/etc/hwacme/hwacme.json");
    CHECK(config.state_dir == "/var/lib/hwacme-test");
    CHECK(config.tcti == "swtpm:host=127.0.0.1,port=2321");
    CHECK(config.metrics_file == "/var/lib/prometheus/node-exporter/hwacme.prom");
    CHECK(config.ca.directory_url == "https://ca.example/directory");
    CHECK(config.ca.staging_directory_url == "https://staging.ca.example/directory");
    CHECK(config.ca.ca_bundle == "/etc/hwacme/roots.pem");
    CHECK(config.ca.account_key_uri ==
          "pkcs11:token=acme;object=account?pin-source=file:/etc/hwacme/pin");
    CHECK(config.ca.account_key_type == keystore::KeyType::EcP384);
    CHECK(config.ca.emails == std::vector<std::string>{"ops@example.com", "security@example.com"});
    CHECK(config.ca.agree_tos);
    CHECK(config.ca.eab_kid == "kid-7");
    CHECK(config.ca.eab_hmac_key_file == "/etc/hwacme/eab.key");
    CHECK(config.ca.eab_alg == "HS512");

    REQUIRE(config.certificates.size() == 2);
    const auto& www = config.certificates[0];
    CHECK(www.name == "www");
    CHECK(www.identifiers ==
          std::vector<std::string>{"www.example.com", "example.com", "192.0.2.7"});
    CHECK(www.key_uri == "pkcs11:token=t;object=www-{generation}");
    CHECK(www.key_type == keystore::KeyType::Rsa3072);
    CHECK(www.key_policy == KeyPolicy::Rotate);
    CHECK(www.key_grace_period == 48h);
    CHECK(www.challenge.type == "http-01");
    CHECK(www.challenge.listen_addresses == std::vector<std::string>{"::"});
    CHECK(www.challenge.http_port == 8080);
    CHECK(www.challenge.tls_port == 8443);
    CHECK(www.challenge.webroot == "/var/www/html");
    CHECK(www.output_dir == "/etc/hwacme/live/www");
    CHECK(www.file_mode == 0640u);
    CHECK(www.deploy_hook == "/usr/local/bin/reload");
    CHECK(www.renew_before == std::chrono::seconds(30 * 86400));
    CHECK(www.preferred_chain == "ISRG Root X1");
    CHECK(www.profile == "tlsserver");

    const auto& wild = config.certificates[1];
    CHECK(wild.name == "wild.card_1");
    CHECK(wild.key_policy == KeyPolicy::Reuse);
    CHECK(wild.key_uri == "tpm2:path=/var/lib/hwacme/wild.tss2.pem");
    CHECK(wild.challenge.type == "dns-01");
    CHECK(wild.challenge.dns_hook == "/usr/local/bin/dns-hook");
    CHECK(wild.challenge.dns_propagation_wait == 45s);

    CHECK(&config.certificate("wild.card_1") == &wild);
}

TEST_CASE("fields left out take the documented defaults", "[unit]") {
    Config config = parse_config(test::OneCertificate().text(), "hwacme.json");
    CHECK(config.state_dir.empty());
    CHECK(config.tcti.empty());
    CHECK(config.metrics_file.empty());
    CHECK(config.ca.staging_directory_url.empty());
    CHECK(config.ca.ca_bundle.empty());
    CHECK(config.ca.account_key_type == keystore::KeyType::EcP256);
    CHECK(config.ca.emails.empty());
    CHECK_FALSE(config.ca.agree_tos);
    CHECK(config.ca.eab_kid.empty());
    CHECK(config.ca.eab_alg == "HS256");
    REQUIRE(config.certificates.size() == 1);
    const auto& www = config.certificates[0];
    CHECK(www.key_type == keystore::KeyType::EcP256);
    CHECK(www.key_policy == KeyPolicy::Rotate);
    CHECK(www.key_grace_period == std::chrono::hours(24 * 7));
    CHECK(www.challenge.type == "http-01");
    CHECK(www.challenge.listen_addresses.empty());
    CHECK(www.challenge.http_port == 80);
    CHECK(www.challenge.tls_port == 443);
    CHECK(www.challenge.webroot.empty());
    CHECK(www.challenge.dns_hook.empty());
    CHECK(www.challenge.dns_propagation_wait == 0s);
    CHECK(www.file_mode == 0644u);
    CHECK(www.deploy_hook.empty());
    CHECK_FALSE(www.renew_before);
    CHECK(www.preferred_chain.empty());
    CHECK(www.profile.empty());
}

TEST_CASE("comments and trailing commas are accepted everywhere", "[unit]") {
    Config config = parse_config(R"(// hwacme configuration
{
  /* the CA */
  "ca": {
    "directory": "https://ca.example/directory", // production
    "account_key": "file:/var/lib/hwacme/account.pem",
    "email": ["ops@example.com",],
  },
  "certificates": [
    {
      "name": "www", /* inline */ "identifiers": ["www.example.com",],
      "key": "file:/var/lib/hwacme/www.pem", "key_policy": "reuse",
      "output_dir": "/etc/hwacme/live/www",
    },
  ],
}
// end)",
                                 "hwacme.json");
    REQUIRE(config.certificates.size() == 1);
    CHECK(config.certificates[0].identifiers == std::vector<std::string>{"www.example.com"});
    CHECK(config.ca.emails == std::vector<std::string>{"ops@example.com"});
}

TEST_CASE("durations are seconds as numbers or strings with a unit", "[unit]") {
    auto grace_of = [](const std::string& json) {
        return parse_config(test::OneCertificate().set("key_grace_period", json).text(), "c.json")
            .certificates[0]
            .key_grace_period;
    };
    CHECK(grace_of("0") == 0s);
    CHECK(grace_of("3600") == 1h);
    CHECK(grace_of("\"90s\"") == 90s);
    CHECK(grace_of("\"15m\"") == 15min);
    CHECK(grace_of("\"12h\"") == 12h);
    CHECK(grace_of("\"7d\"") == std::chrono::hours(168));
}

TEST_CASE("file modes are read as octal", "[unit]") {
    auto mode_of = [](const std::string& json) {
        return parse_config(test::OneCertificate().set("file_mode", json).text(), "c.json")
            .certificates[0]
            .file_mode;
    };
    CHECK(mode_of("\"0644\"") == 0644u);
    CHECK(mode_of("\"0600\"") == 0600u);
    CHECK(mode_of("\"440\"") == 0440u);
}

TEST_CASE("a configuration without certificates is valid", "[unit]") {
    Config config = parse_config(
        R"({"ca": {"directory": "https://ca.example/d", "account_key": "file:/a.pem"}})", "c");
    CHECK(config.certificates.empty());
}

TEST_CASE("certificate() finds a certificate by name or lists the names there are", "[unit]") {
    Config config = parse_config(kFull, "/etc/hwacme/hwacme.json");
    CHECK(config.certificate("www").identifiers.front() == "www.example.com");
    try {
        config.certificate("mail");
        FAIL("found a certificate that is not there");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK(std::string(e.what()).find("'mail'") != std::string::npos);
        CHECK(std::string(e.what()).find("www, wild.card_1") != std::string::npos);
        CHECK(std::string(e.what()).find("/etc/hwacme/hwacme.json") != std::string::npos);
    }
}

TEST_CASE("the example in docs/configuration.md is a valid configuration", "[unit]") {
    std::ifstream in(std::string(HWACME_SOURCE_DIR) + "/docs/configuration.md");
    REQUIRE(in);
    std::stringstream all;
    all << in.rdbuf();
    std::string doc = all.str();
    auto start = doc.find("```jsonc\n");
    REQUIRE(start != std::string::npos);
    start += 9;
    auto end = doc.find("```", start);
    Config config = parse_config(doc.substr(start, end - start), "configuration.md");
    REQUIRE(config.certificates.size() == 3);
    CHECK(config.certificates[1].challenge.type == "dns-01");
    CHECK(config.certificates[2].key_policy == KeyPolicy::Reuse);
}

TEST_CASE("load_config names a missing file and reads an existing one", "[unit]") {
    try {
        load_config("/nonexistent/hwacme-test/hwacme.json");
        FAIL("loaded a file that does not exist");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::NotFound);
        CHECK(std::string(e.what()).find("/nonexistent/hwacme-test/hwacme.json") !=
              std::string::npos);
    }
    Config config = load_config(std::string(HWACME_SOURCE_DIR) + "/tests/config/valid.json");
    CHECK(config.source == std::string(HWACME_SOURCE_DIR) + "/tests/config/valid.json");
    CHECK(config.certificates.size() == 2);
}

TEST_CASE("listen_address may name one address or a list of them", "[unit]") {
    test::OneCertificate one;
    one.set("challenge", R"({"listen_address": "127.0.0.1"})");
    CHECK(parse_config(one.text(), "one.json").certificates[0].challenge.listen_addresses ==
          std::vector<std::string>{"127.0.0.1"});
    test::OneCertificate list;
    list.set("challenge", R"({"listen_address": ["::", "0.0.0.0"]})");
    CHECK(parse_config(list.text(), "list.json").certificates[0].challenge.listen_addresses ==
          std::vector<std::string>{"::", "0.0.0.0"});
}

TEST_CASE("tpm_flush_stale is off unless the configuration turns it on", "[unit]") {
    CHECK_FALSE(parse_config(test::OneCertificate().text(), "off.json").tpm_flush_stale);
    auto text = test::OneCertificate().text();
    text.insert(text.find('{') + 1, "\n  \"tpm_flush_stale\": true,");
    CHECK(parse_config(text, "on.json").tpm_flush_stale);
}
