// The example deploy hooks of dist/hooks, run as hwacme runs them (its variables in the
// environment) with stub configuration-test and reload commands in place of the web server's.
#include "tests/deploy/deploy_test_support.h"

using namespace hwacme::test;
using namespace hwacme::test::deploy;

namespace {

const std::string kTokenKey =
    "pkcs11:token=acme;object=web-2;type=private"
    "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/hwacme/pkcs11-pin";

}  // namespace

TEST_CASE("nginx-reload points nginx at a token key through the pkcs11 engine and reloads",
          "[unit]") {
    HookBench bench("nginx");
    auto result = bench.run("nginx-reload", "NGINX", hwacme_env(kTokenKey));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    const auto include = slurp(bench.server_dir() / "web.conf");
    // The engine refuses module-path, so it moves to the server's environment (a comment says
    // which); the pin-source stays: the server reads the PIN file itself.
    CHECK(directive_lines(include) ==
          std::vector<std::string>{
              "ssl_certificate \"/srv/live/web/current/fullchain.pem\";",
              "ssl_certificate_key \"engine:pkcs11:pkcs11:token=acme;object=web-2;type=private"
              "?pin-source=file:/etc/hwacme/pkcs11-pin\";"});
    CHECK(include.find("MODULE_PATH = /usr/lib/softhsm/libsofthsm2.so") != std::string::npos);
    CHECK(bench.calls() == "test\nreload\n");
    CHECK(slurp(bench.seen_by_test() / "web.conf") == include);
    CHECK(bench.server_dir_names() == std::vector<std::string>{"web.conf"});
    CHECK((fs::status(bench.server_dir() / "web.conf").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
           fs::perms::others_read));
}

TEST_CASE("nginx-reload serves a TPM key file by the key.pem path hwacme gives", "[unit]") {
    HookBench bench("nginx");
    auto result = bench.run("nginx-reload", "NGINX",
                            hwacme_env("tpm2:path=/var/lib/hwacme/keys/web-3.tss2.pem",
                                       "/srv/live/web/current/key.pem"));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(directive_lines(slurp(bench.server_dir() / "web.conf")) ==
          std::vector<std::string>{"ssl_certificate \"/srv/live/web/current/fullchain.pem\";",
                                   "ssl_certificate_key \"/srv/live/web/current/key.pem\";",
                                   "ssl_protocols TLSv1.2 TLSv1.3;"});
    CHECK(bench.calls() == "test\nreload\n");
}

TEST_CASE("nginx-reload refuses a TPM persistent handle and leaves nginx alone", "[unit]") {
    HookBench bench("nginx");
    auto result = bench.run("nginx-reload", "NGINX", hwacme_env("tpm2:handle=0x81000002"));
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("persistent handle") != std::string::npos);
    CHECK(bench.server_dir_names().empty());
    CHECK(bench.calls().empty());
}

TEST_CASE("a configuration nginx rejects brings the previous include back and skips the reload",
          "[unit]") {
    HookBench bench("nginx");
    fs::create_directories(bench.server_dir());
    const std::string previous = "ssl_certificate \"/old/fullchain.pem\";\n";
    std::ofstream(bench.server_dir() / "web.conf") << previous;
    auto result = bench.run("nginx-reload", "NGINX", hwacme_env(kTokenKey), false);
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("not reloaded") != std::string::npos);
    CHECK(slurp(bench.server_dir() / "web.conf") == previous);
    CHECK(bench.calls() == "test\n");
    CHECK(bench.server_dir_names() == std::vector<std::string>{"web.conf"});
}

TEST_CASE("a rejected first include is removed again", "[unit]") {
    HookBench bench("apache");
    auto result = bench.run("apache-reload", "APACHE", hwacme_env(kTokenKey), false);
    CHECK(result.exit_code == 1);
    CHECK(bench.server_dir_names().empty());
    CHECK(bench.calls() == "test\n");
}

TEST_CASE("apache-reload names the token key by URI and adds the web server's pin-source",
          "[unit]") {
    HookBench bench("apache");
    auto env = hwacme_env("pkcs11:token=acme;object=web-2;type=private");
    env.push_back("PKCS11_PIN_SOURCE=file:/etc/hwacme/pkcs11-pin");
    auto result = bench.run("apache-reload", "APACHE", env);
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    const auto include = slurp(bench.server_dir() / "web.conf");
    CHECK(directive_lines(include) ==
          std::vector<std::string>{
              "SSLCertificateFile \"/srv/live/web/current/fullchain.pem\"",
              "SSLCertificateKeyFile \"pkcs11:token=acme;object=web-2;type=private"
              "?pin-source=file:/etc/hwacme/pkcs11-pin\""});
    CHECK(include.find("SSLCryptoDevice pkcs11") != std::string::npos);
    CHECK(bench.calls() == "test\nreload\n");
}

TEST_CASE("apache-reload warns when the web server would have no PIN for the token", "[unit]") {
    HookBench bench("apache");
    auto result = bench.run("apache-reload", "APACHE",
                            hwacme_env("pkcs11:token=acme;object=web-2;type=private"));
    CHECK(result.exit_code == 0);
    CHECK(result.stderr_text.find("no pin-source") != std::string::npos);
}

TEST_CASE("apache-reload serves a software key from the file the URI names", "[unit]") {
    HookBench bench("apache");
    auto result =
        bench.run("apache-reload", "APACHE", hwacme_env("file:///etc/hwacme/keys/web%20one.pem"));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(directive_lines(slurp(bench.server_dir() / "web.conf")) ==
          std::vector<std::string>{"SSLCertificateFile \"/srv/live/web/current/fullchain.pem\"",
                                   "SSLCertificateKeyFile \"/etc/hwacme/keys/web one.pem\""});
}

TEST_CASE("haproxy-reload links the chain and the software key into its certificate folder",
          "[unit]") {
    HookBench bench("haproxy");
    auto result =
        bench.run("haproxy-reload", "HAPROXY",
                  hwacme_env("file:/etc/hwacme/keys/web.pem", "/srv/live/web/current/key.pem"));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(fs::read_symlink(bench.server_dir() / "web.pem") ==
          "/srv/live/web/current/fullchain.pem");
    CHECK(fs::read_symlink(bench.server_dir() / "web.pem.key") == "/srv/live/web/current/key.pem");
    CHECK(bench.server_dir_names() == std::vector<std::string>{"web.pem", "web.pem.key"});
    CHECK(bench.calls() == "test\nreload\n");
}

TEST_CASE("haproxy-reload links a TPM key file, which HAProxy reads through tpm2-openssl",
          "[unit]") {
    HookBench bench("haproxy");
    auto result =
        bench.run("haproxy-reload", "HAPROXY",
                  hwacme_env("tpm2:path=/k/web.tss2.pem", "/srv/live/web/current/key.pem"));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(fs::read_symlink(bench.server_dir() / "web.pem.key") == "/srv/live/web/current/key.pem");
    CHECK(bench.calls() == "test\nreload\n");
}

TEST_CASE("haproxy-reload refuses token keys and TPM handles and reloads nothing", "[unit]") {
    const std::vector<std::pair<std::string, std::string>> refused{
        {kTokenKey, "nginx or Apache"}, {"tpm2:handle=0x81000002", "use a tpm2:path= key"}};
    for (const auto& [uri, advice] : refused) {
        HookBench bench("haproxy");
        auto result = bench.run("haproxy-reload", "HAPROXY", hwacme_env(uri));
        INFO(uri);
        CHECK(result.exit_code == 1);
        CHECK(result.stderr_text.find(advice) != std::string::npos);
        CHECK(bench.server_dir_names().empty());
        CHECK(bench.calls().empty());
    }
}

TEST_CASE("no hook writes a PIN given in the key URI", "[unit]") {
    const std::vector<std::pair<std::string, std::string>> hooks{
        {"nginx-reload", "NGINX"}, {"apache-reload", "APACHE"}, {"haproxy-reload", "HAPROXY"}};
    for (const auto& [hook, prefix] : hooks) {
        HookBench bench(prefix);
        auto result =
            bench.run(hook, prefix, hwacme_env("pkcs11:token=acme;object=web?pin-value=123456"));
        INFO(hook);
        CHECK(result.exit_code == 1);
        CHECK(result.stderr_text.find("pin-value") != std::string::npos);
        CHECK(bench.server_dir_names().empty());
        CHECK(bench.calls().empty());
    }
}

TEST_CASE("a hook run outside hwacme says which variable is missing", "[unit]") {
    auto result = run_command({std::string(HWACME_SOURCE_DIR) + "/dist/hooks/nginx-reload"},
                              {"HWACME_CERT_NAME=", "HWACME_FULLCHAIN_PATH=", "HWACME_KEY_URI="});
    CHECK(result.exit_code == 1);
    CHECK(result.stderr_text.find("HWACME_CERT_NAME is not set") != std::string::npos);
}
