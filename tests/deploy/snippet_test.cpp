// `hwacme snippet`: the web-server lines per key scheme, the server-wide settings each needs,
// and the refusals for what a server cannot load.
#include "agent/manage/release.h"
#include "tests/deploy/deploy_test_support.h"

using namespace hwacme::test;
using namespace hwacme::test::deploy;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

CommandResult snippet(const std::string& server, const std::string& key_uri,
                      std::vector<std::string> more = {}) {
    std::vector<std::string> args{"snippet",     "--web-server",          server, "--key", key_uri,
                                  "--fullchain", "/srv/web/fullchain.pem"};
    args.insert(args.end(), more.begin(), more.end());
    return run_hwacme(args);
}

}  // namespace

TEST_CASE("snippet for a token key gives nginx the engine key and the engine config", "[unit]") {
    auto result = snippet("nginx",
                          "pkcs11:token=acme;object=web;type=private"
                          "?module-path=/usr/lib/softhsm/libsofthsm2.so"
                          "&pin-source=file:/etc/hwacme/pkcs11-pin");
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(directive_lines(result.stdout_text) ==
          std::vector<std::string>{"ssl_certificate \"/srv/web/fullchain.pem\";",
                                   "ssl_certificate_key \"engine:pkcs11:pkcs11:token=acme;"
                                   "object=web;type=private?pin-source=file:/etc/hwacme/"
                                   "pkcs11-pin\";"});
    // nginx never initialises the engine it names: the OpenSSL config must, with the module.
    CHECK(contains(result.stdout_text,
                   "Environment=OPENSSL_CONF=/etc/hwacme/openssl-pkcs11-engine.cnf"));
    CHECK(contains(result.stdout_text, "#   MODULE_PATH = /usr/lib/softhsm/libsofthsm2.so\n"));
    CHECK(contains(result.stdout_text, "#   init = 1\n"));
    CHECK(contains(result.stdout_text, "libengine-pkcs11-openssl"));
    CHECK_FALSE(contains(result.stdout_text, "WARNING"));
}

TEST_CASE("snippet for a token key gives Apache the URI and SSLCryptoDevice", "[unit]") {
    auto result = snippet("apache", "pkcs11:token=acme;object=web;type=private",
                          {"--pin-source", "file:/etc/hwacme/pkcs11-pin"});
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(directive_lines(result.stdout_text) ==
          std::vector<std::string>{"SSLCertificateFile \"/srv/web/fullchain.pem\"",
                                   "SSLCertificateKeyFile \"pkcs11:token=acme;object=web;"
                                   "type=private?pin-source=file:/etc/hwacme/pkcs11-pin\""});
    // Server-wide only: inside a VirtualHost Apache would refuse it, so it is a comment.
    CHECK(contains(result.stdout_text, "#   SSLCryptoDevice pkcs11\n"));
    CHECK(contains(result.stdout_text, "p11-kit proxy"));
}

TEST_CASE("snippet warns when a token key has no PIN source for the web server", "[unit]") {
    auto result = snippet("nginx", "pkcs11:token=acme;object=web");
    REQUIRE(result.exit_code == 0);
    CHECK(contains(result.stdout_text, "WARNING: the key URI names no pin-source"));
}

TEST_CASE("snippet for a TPM key file loads the tpm2 provider with TLS hashing off the TPM",
          "[unit]") {
    for (const std::string server : {"nginx", "apache"}) {
        auto result = snippet(server, "tpm2:path=/var/lib/hwacme/keys/web-1.tss2.pem",
                              {"--tcti", "swtpm:host=127.0.0.1,port=2321"});
        INFO(server << ": " << result.stderr_text);
        REQUIRE(result.exit_code == 0);
        const auto lines = directive_lines(result.stdout_text);
        // nginx 1.22 also needs TLS 1.3 turned on; Apache's default has it.
        REQUIRE(lines.size() == (server == "nginx" ? 3u : 2u));
        CHECK(contains(lines[1], "\"/var/lib/hwacme/keys/web-1.tss2.pem\""));
        CHECK(contains(result.stdout_text, "OPENSSL_CONF=/etc/hwacme/openssl-tpm2.cnf"));
        CHECK(contains(result.stdout_text, "TPM2OPENSSL_TCTI=swtpm:host=127.0.0.1,port=2321"));
        CHECK(contains(result.stdout_text,
                       "default_properties = ?provider=tpm2,tpm2.digest!=yes,tpm2.cipher!=yes"));
        // One worker, and the settings a new master of an in-place upgrade needs.
        if (server == "nginx")
            for (const std::string main_context :
                 {"#   worker_processes 1;\n", "#   env OPENSSL_CONF;\n",
                  "#   env TPM2OPENSSL_TCTI;\n"})
                CHECK(contains(result.stdout_text, main_context));
    }
}

TEST_CASE("snippet for a software key is just the two paths", "[unit]") {
    auto result = snippet("nginx", "file:/etc/hwacme/keys/web.pem");
    REQUIRE(result.exit_code == 0);
    CHECK(directive_lines(result.stdout_text) ==
          std::vector<std::string>{"ssl_certificate \"/srv/web/fullchain.pem\";",
                                   "ssl_certificate_key \"/etc/hwacme/keys/web.pem\";"});
    CHECK_FALSE(contains(result.stdout_text, "Server-wide"));
}

TEST_CASE("snippet for HAProxy links software and TPM key files and refuses token keys", "[unit]") {
    auto soft = snippet("haproxy", "file:/etc/hwacme/keys/web.pem");
    REQUIRE(soft.exit_code == 0);
    CHECK(directive_lines(soft.stdout_text) ==
          std::vector<std::string>{"bind :443 ssl crt /etc/haproxy/hwacme/"});
    CHECK(contains(soft.stdout_text, ".pem.key -> /etc/hwacme/keys/web.pem"));
    CHECK_FALSE(contains(soft.stdout_text, "ssl-provider"));

    auto tpm = snippet("haproxy", "tpm2:path=/k/web.tss2.pem");
    REQUIRE(tpm.exit_code == 0);
    CHECK(contains(tpm.stdout_text, ".pem.key -> /k/web.tss2.pem"));
    for (const std::string global :
         {"#   nbthread 1\n", "#   ssl-provider tpm2\n", "#   ssl-provider default\n",
          "#   ssl-propquery ?provider=tpm2"})
        CHECK(contains(tpm.stdout_text, global));

    auto token = snippet("haproxy", "pkcs11:token=acme;object=web");
    CHECK(token.exit_code == 1);
    CHECK(contains(token.stderr_text, "HAProxy cannot serve the PKCS#11 key"));
    CHECK(token.stdout_text.empty());
}

TEST_CASE("snippet refuses a TPM persistent handle and a URI holding a PIN", "[unit]") {
    auto handle = snippet("nginx", "tpm2:handle=0x81000002");
    CHECK(handle.exit_code == 1);
    CHECK(contains(handle.stderr_text, "persistent handle"));
    auto pin = snippet("apache", "pkcs11:token=acme;object=web?pin-value=123456");
    CHECK(pin.exit_code == 1);
    CHECK(pin.stdout_text.empty());
    CHECK_FALSE(contains(pin.stderr_text, "123456"));
}

TEST_CASE("snippet needs exactly one of --cert and --key", "[unit]") {
    CHECK(run_hwacme({"snippet", "--web-server", "nginx"}).exit_code == 2);
    CHECK(run_hwacme({"snippet", "--web-server", "nginx", "--cert", "web", "--key", "file:/k.pem",
                      "--fullchain", "/f.pem"})
              .exit_code == 2);
    CHECK(run_hwacme({"snippet", "--web-server", "nginx", "--key", "file:/k.pem"}).exit_code == 2);
    CHECK(run_hwacme({"snippet", "--web-server", "lighttpd", "--key", "file:/k.pem", "--fullchain",
                      "/f.pem"})
              .exit_code == 2);
}

TEST_CASE("snippet --cert serves the live release of a managed certificate", "[unit]") {
    TempDir tmp("hwacme-snippet-cert");
    const auto out = tmp / "live" / "web";
    const std::string key_uri = "tpm2:path=" + (tmp / "web-2.tss2.pem").string();
    std::ofstream(tmp / "web-2.tss2.pem") << "-----BEGIN TSS2 PRIVATE KEY-----\n";
    auto release = hwacme::manage::write_release(
        out, "0a1b", {"-----BEGIN CERTIFICATE-----\nleaf\n", "-----BEGIN CERTIFICATE-----\n"},
        key_uri, 0644);
    hwacme::manage::activate_release(out, release);
    std::ofstream(tmp / "hwacme.json")
        << "{\"ca\": {\"directory\": \"https://ca.example/dir\",\n"
           "        \"account_key\": \"file:/etc/hwacme/account.pem\"},\n"
           " \"tcti\": \"device:/dev/tpmrm0\",\n"
           " \"certificates\": [{\"name\": \"web\", \"identifiers\": [\"www.example.com\"],\n"
           "   \"key\": \"tpm2:path="
        << (tmp / "web-{generation}.tss2.pem").string()
        << "\",\n"
           "   \"output_dir\": \""
        << out.string() << "\"}]}\n";
    auto result = run_hwacme({"snippet", "--web-server", "nginx", "--cert", "web", "--config",
                              (tmp / "hwacme.json").string()});
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    // The live paths under OUT/current, as the deploy hook is given them.
    CHECK(directive_lines(result.stdout_text) ==
          std::vector<std::string>{
              "ssl_certificate \"" + (out / "current" / "fullchain.pem").string() + "\";",
              "ssl_certificate_key \"" + (out / "current" / "key.pem").string() + "\";",
              "ssl_protocols TLSv1.2 TLSv1.3;"});
    CHECK(contains(result.stdout_text, "/etc/nginx/hwacme/web.conf"));
    CHECK(contains(result.stdout_text, "TPM2OPENSSL_TCTI=device:/dev/tpmrm0"));

    auto unknown = run_hwacme({"snippet", "--web-server", "nginx", "--cert", "mail", "--config",
                               (tmp / "hwacme.json").string()});
    CHECK(unknown.exit_code == 1);
    CHECK(contains(unknown.stderr_text, "mail"));
}

TEST_CASE("snippet --cert says when a certificate was never issued", "[unit]") {
    TempDir tmp("hwacme-snippet-none");
    std::ofstream(tmp / "hwacme.json")
        << "{\"ca\": {\"directory\": \"https://ca.example/dir\",\n"
           "        \"account_key\": \"file:/etc/hwacme/account.pem\"},\n"
           " \"certificates\": [{\"name\": \"web\", \"identifiers\": [\"www.example.com\"],\n"
           "   \"key\": \"file:/k/web.pem\", \"key_policy\": \"reuse\",\n"
           "   \"output_dir\": \""
        << (tmp / "live" / "web").string() << "\"}]}\n";
    auto result = run_hwacme({"snippet", "--web-server", "apache", "--cert", "web", "--config",
                              (tmp / "hwacme.json").string()});
    CHECK(result.exit_code == 1);
    CHECK(contains(result.stderr_text, "run hwacme renew"));
}
