#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/slurp.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

std::string openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run_command(argv);
    INFO("openssl stderr: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return result.stdout_text;
}

/// What a relying party checks: the chain verifies to Pebble's root, the SANs are the names
/// asked for, and the certificate carries the public key of the key that stays in its store.
void check_issued(const PebbleFixture& pebble, const fs::path& out, const fs::path& key_file,
                  const std::vector<std::string>& names) {
    REQUIRE(fs::exists(out / "cert.pem"));
    CHECK(slurp(out / "fullchain.pem") == slurp(out / "cert.pem") + slurp(out / "chain.pem"));
    auto verified = openssl({"verify", "-CAfile", pebble.issuing_root_path().string(), "-untrusted",
                             (out / "chain.pem").string(), (out / "cert.pem").string()});
    CHECK(verified.find(": OK") != std::string::npos);
    auto sans =
        openssl({"x509", "-in", (out / "cert.pem").string(), "-noout", "-ext", "subjectAltName"});
    for (const auto& name : names) CHECK(sans.find("DNS:" + name) != std::string::npos);
    auto cert_key = openssl({"x509", "-in", (out / "cert.pem").string(), "-noout", "-pubkey"});
    auto store_key = openssl({"pkey", "-in", key_file.string(), "-pubout"});
    CHECK(cert_key == store_key);
}

}  // namespace

TEST_CASE("a file-key account issues a two-name certificate with the built-in http-01 server",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-issue");
    auto registered = run_hwacme(
        join({"account", "register", "--account-key", "file:" + (tmp / "account.pem").string(),
              "--email", "ops@example.com", "--agree-tos"},
             ca_options(pebble, tmp)));
    INFO(registered.stderr_text);
    REQUIRE(registered.exit_code == 0);
    CHECK(registered.stdout_text.find("account: https://127.0.0.1") != std::string::npos);

    // Global options after the command, as operators type them.
    auto issued = run_hwacme(
        join({"issue", "-d", "a.example.com", "-d", "b.example.com", "--key",
              "file:" + (tmp / "cert-key.pem").string(), "--http-address", "127.0.0.1",
              "--http-port", std::to_string(pebble.http_port()), "--out", (tmp / "out").string()},
             ca_options(pebble, tmp)));
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK(issued.stdout_text.find("names:       a.example.com b.example.com") != std::string::npos);
    check_issued(pebble, tmp / "out", tmp / "cert-key.pem", {"a.example.com", "b.example.com"});
}

TEST_CASE("issue registers on the fly and answers http-01 through a webroot served by httpd",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-webroot");
    fs::create_directories(tmp / "www");
    // A real web server serving the webroot, as in production (busybox httpd).
    Process httpd({"busybox", "httpd", "-f", "-p",
                   "127.0.0.1:" + std::to_string(pebble.http_port()), "-h",
                   (tmp / "www").string()});
    // Options from the environment this time (HWACME_SERVER, HWACME_CA_BUNDLE, HWACME_STATE_DIR).
    std::vector<std::string> env{"HWACME_SERVER=" + pebble.directory_url(),
                                 "HWACME_CA_BUNDLE=" + pebble.tls_ca_path().string(),
                                 "HWACME_STATE_DIR=" + (tmp / "state").string()};
    auto issued = run_hwacme({"issue", "-d", "web.example.com", "-d", "www.example.com", "--key",
                              "file:" + (tmp / "rsa.pem").string(), "--key-type", "rsa2048",
                              "--account-key", "file:" + (tmp / "acct.pem").string(), "--agree-tos",
                              "--webroot", (tmp / "www").string(), "--out", (tmp / "out").string()},
                             env);
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    check_issued(pebble, tmp / "out", tmp / "rsa.pem", {"web.example.com", "www.example.com"});
    CHECK(fs::is_empty(tmp / "www" / ".well-known" / "acme-challenge"));

    SECTION("the remembered account issues again without --account-key") {
        auto again = run_hwacme(
            {"issue", "-d", "web.example.com", "--key", "file:" + (tmp / "rsa.pem").string(),
             "--webroot", (tmp / "www").string(), "--out", (tmp / "out2").string()},
            env);
        INFO(again.stderr_text);
        CHECK(again.exit_code == 0);
        check_issued(pebble, tmp / "out2", tmp / "rsa.pem", {"web.example.com"});
    }
}

TEST_CASE("revoke with the account key and a second revoke is reported as already revoked",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-revoke");
    auto options = ca_options(pebble, tmp);
    auto issued = run_hwacme(
        join({"issue", "-d", "revoke.example.com", "--key", "file:" + (tmp / "k.pem").string(),
              "--account-key", "file:" + (tmp / "acct.pem").string(), "--key-type", "ec-p384",
              "--agree-tos", "--http-address", "127.0.0.1", "--http-port",
              std::to_string(pebble.http_port()), "--out", (tmp / "out").string(), "--json"},
             options));
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    // --json: one object on stdout, the human text stays on stderr.
    auto result = boost::json::parse(issued.stdout_text).as_object();
    auto cert = std::string(result.at("certificate").as_string());
    CHECK(cert == (tmp / "out" / "cert.pem").string());
    CHECK(result.at("names").as_array().at(0).as_string() == "revoke.example.com");
    CHECK(result.at("key").as_string() == "file:" + (tmp / "k.pem").string());
    CHECK(result.at("issuer").as_string().starts_with("CN=Pebble Intermediate CA"));
    CHECK_FALSE(result.at("serial").as_string().empty());
    CHECK(result.at("not_after").as_string().size() == 20);
    auto revoked =
        run_hwacme(join({"revoke", "--cert", cert, "--reason", "superseded", "--json"}, options));
    INFO(revoked.stderr_text);
    CHECK(revoked.exit_code == 0);
    auto revocation = boost::json::parse(revoked.stdout_text).as_object();
    CHECK(revocation.at("serial") == result.at("serial"));
    CHECK(revocation.at("reason").as_int64() == 4);
    auto again = run_hwacme(join({"revoke", "--cert", cert}, options));
    CHECK(again.exit_code == 1);
    CHECK(again.stderr_text.find("already revoked") != std::string::npos);
    CHECK(again.stderr_text.find('\n') == again.stderr_text.size() - 1);
}

TEST_CASE("failures leave no output files and say why in one line", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-fail");
    auto options = ca_options(pebble, tmp);
    auto account = run_hwacme(join({"account", "register", "--account-key",
                                    "file:" + (tmp / "acct.pem").string(), "--agree-tos"},
                                   options));
    REQUIRE(account.exit_code == 0);

    SECTION("a name that is not a DNS name, refused before anything is ordered") {
        auto result = run_hwacme(join(
            {"issue", "-d", "under_score.example.com", "--key", "file:" + (tmp / "k.pem").string(),
             "--http-port", std::to_string(pebble.http_port()), "--out", (tmp / "out").string()},
            options));
        CHECK(result.exit_code == 1);
        CHECK(result.stderr_text ==
              "hwacme: the name 'under_score.example.com' is not a DNS name or IP address: it "
              "has a character other than letters, digits, '-' and '.'\n");
        CHECK_FALSE(fs::exists(tmp / "out"));
        CHECK_FALSE(fs::exists(tmp / "k.pem"));
    }
    SECTION("the http-01 port already in use") {
        Process squatter({"busybox", "httpd", "-f", "-p",
                          "127.0.0.1:" + std::to_string(pebble.http_port()), "-h",
                          tmp.path().string()});
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        auto result = run_hwacme(
            join({"issue", "-d", "busy.example.com", "--key", "file:" + (tmp / "k.pem").string(),
                  "--http-address", "127.0.0.1", "--http-port", std::to_string(pebble.http_port()),
                  "--out", (tmp / "out").string()},
                 options));
        CHECK(result.exit_code == 1);
        CHECK(result.stderr_text.find("in use") != std::string::npos);
        CHECK_FALSE(fs::exists(tmp / "out"));
    }
    SECTION("a TLS root that does not match the CA's certificate") {
        auto result = run_hwacme(
            {"account", "register", "--account-key", "file:" + (tmp / "acct.pem").string(),
             "--server", pebble.directory_url(), "--ca-bundle", pebble.issuing_root_path().string(),
             "--state-dir", (tmp / "state2").string()});
        CHECK(result.exit_code == 1);
        CHECK(result.stderr_text.find(pebble.directory_url()) != std::string::npos);
    }
}
