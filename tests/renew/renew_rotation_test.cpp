// `hwacme renew` over three managed certificates whose keys live in a folder, a SoftHSM token
// and swtpm: first issuance, nothing due, forced rotation with the old keys kept for their grace
// period, a grace of 0 that destroys the retired key in its device, the deploy hook's
// environment, a dry run that leaves everything as it was, and what `list` reports.

#include <algorithm>
#include <catch2/catch.hpp>

#include "tests/pkcs11/softhsm_fixture.h"
#include "tests/renew/renew_support.h"
#include "tests/tpm/swtpm_fixture.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;

namespace {

/// The key URI of a generation: the template with {generation} replaced.
std::string generation(std::string key_template, unsigned n) {
    auto at = key_template.find("{generation}");
    return key_template.replace(at, 12, std::to_string(n));
}

/// HWACME_* variables the deploy hook recorded for a certificate, as NAME → value.
std::map<std::string, std::string> deploy_env(const Hooks& hooks, const std::string& name) {
    std::map<std::string, std::string> env;
    std::istringstream lines(slurp(hooks.record_dir / (name + ".env")));
    for (std::string line; std::getline(lines, line);) {
        auto eq = line.find('=');
        if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return env;
}

std::string openssl_field(const fs::path& cert, const std::string& option) {
    auto result = run_command({"openssl", "x509", "-in", cert.string(), "-noout", option});
    REQUIRE(result.exit_code == 0);
    auto value = result.stdout_text.substr(result.stdout_text.find('=') + 1);
    while (!value.empty() && value.back() == '\n') value.pop_back();
    return value;
}

}  // namespace

TEST_CASE("renew rotates file pkcs11 and tpm2 keys and destroys retired ones after their grace",
          "[pebble][softhsm][swtpm]") {
    PebbleFixture pebble;
    SoftHsmToken token("renew-rotation");
    SwtpmFixture swtpm;
    TempDir tmp("hwacme-renew-rotation");
    auto hooks = write_hooks(tmp.path());
    fs::create_directories(tmp / "file-keys");
    fs::create_directories(tmp / "tpm-keys");
    const std::string tcti = swtpm.tcti();

    std::vector<ManagedCertificate> certificates{
        {.name = "web",
         .identifiers = {"web.example.com"},
         .key = "file:" + (tmp / "file-keys").string() + "/web-{generation}.pem"},
        {.name = "api",
         .identifiers = {"api.example.com", "api2.example.com"},
         .key = token.uri_for("api-{generation}")},
        {.name = "db",
         .identifiers = {"db.example.com"},
         .key = "tpm2:path=" + (tmp / "tpm-keys").string() + "/db-{generation}.tss2.pem"}};
    for (auto& certificate : certificates) {
        certificate.challenge = http01(pebble);
        certificate.output_dir = tmp / "out" / certificate.name;
        certificate.deploy_hook = hooks.deploy.string();
    }
    auto config = write_config(tmp.path(), pebble, certificates, tcti);
    auto env = hooks.env(pebble);

    // First run: nothing was issued yet, so all three are due.
    auto first = run_configured(config, {"renew"}, env);
    INFO("renew stderr: " << first.stderr_text);
    REQUIRE(first.exit_code == 0);
    for (const auto& certificate : certificates) {
        CHECK(first.stdout_text.find(certificate.name + ": renewed") != std::string::npos);
        CHECK(check_live_pair(certificate.output_dir, tcti) == generation(certificate.key, 1));
    }

    SECTION("the deploy hook sees the installed certificate and its key") {
        auto states = status_of(config);
        for (const auto& certificate : certificates) {
            auto env_seen = deploy_env(hooks, certificate.name);
            auto live = certificate.output_dir / "current";
            INFO(certificate.name);
            CHECK(env_seen["HWACME_CERT_NAME"] == certificate.name);
            CHECK(env_seen["HWACME_KEY_URI"] == generation(certificate.key, 1));
            CHECK(env_seen["HWACME_LIVE_DIR"] == live.string());
            CHECK(env_seen["HWACME_CERT_PATH"] == (live / "cert.pem").string());
            CHECK(env_seen["HWACME_CHAIN_PATH"] == (live / "chain.pem").string());
            CHECK(env_seen["HWACME_FULLCHAIN_PATH"] == (live / "fullchain.pem").string());
            CHECK(env_seen["HWACME_SERIAL"] == openssl_field(live / "cert.pem", "-serial"));
            const auto& current = states[certificate.name].at("current").as_object();
            CHECK(env_seen["HWACME_SERIAL"] == text(current.at("serial")));
            CHECK(env_seen["HWACME_NOT_AFTER"] == text(current.at("not_after")));
            // Keys kept in files are handed over as a path too; token keys are not files.
            if (certificate.name == "api")
                CHECK(env_seen.count("HWACME_KEY_PATH") == 0);
            else
                CHECK(env_seen["HWACME_KEY_PATH"] == (live / "key.pem").string());
            CHECK_FALSE(states[certificate.name].at("deploy_pending").as_bool());
        }
    }

    SECTION("list reports not-after and the next renewal and a rerun renews nothing") {
        auto listed = run_configured(config, {"list", "--json"});
        REQUIRE(listed.exit_code == 0);
        auto items = boost::json::parse(listed.stdout_text).at("certificates").as_array();
        REQUIRE(items.size() == 3);
        auto states = status_of(config);
        for (const auto& item : items) {
            const auto& row = item.as_object();
            std::string name = text(row.at("name"));
            const auto& current = states[name].at("current").as_object();
            auto out = tmp / "out" / name / "current" / "cert.pem";
            auto not_after = text(row.at("not_after"));
            INFO(name << " not_after " << not_after);
            CHECK(not_after == text(current.at("not_after")));
            // openssl prints "Mar  1 12:00:00 2027 GMT"; compare as the same instant via date.
            auto parsed = run_command(
                {"date", "-u", "-d", openssl_field(out, "-enddate"), "+%Y-%m-%dT%H:%M:%SZ"});
            CHECK(parsed.stdout_text == not_after + "\n");
            auto renew_at = text(row.at("renew_at"));
            CHECK(renew_at > text(current.at("not_before")));
            CHECK(renew_at < not_after);
            CHECK_FALSE(row.at("due").as_bool());
            CHECK(text(row.at("reason")) == "next renewal at " + renew_at);
            CHECK(text(row.at("key_uri")) == text(current.at("key_uri")));
        }
        auto table = run_configured(config, {"list"});
        REQUIRE(table.exit_code == 0);
        CHECK(table.stdout_text.find("api.example.com,api2.example.com") != std::string::npos);

        auto again = run_configured(config, {"renew"}, env);
        REQUIRE(again.exit_code == 0);
        CHECK(again.stdout_text.find("not due") != std::string::npos);
        CHECK(again.stdout_text.find("renewed") == std::string::npos);
        auto deploys = slurp(hooks.record_dir / "deploys");
        CHECK(std::count(deploys.begin(), deploys.end(), '\n') == 3);
    }

    SECTION("forced renewals rotate keys and keep the old ones until their grace is over") {
        auto forced = run_configured(config, {"renew", "--force"}, env);
        INFO("renew --force stderr: " << forced.stderr_text);
        REQUIRE(forced.exit_code == 0);
        auto states = status_of(config);
        for (const auto& certificate : certificates) {
            INFO(certificate.name);
            CHECK(check_live_pair(certificate.output_dir, tcti) == generation(certificate.key, 2));
            CHECK(key_exists(generation(certificate.key, 1), tcti));  // seven days of grace
            const auto& retired = states[certificate.name].at("retired_keys").as_array();
            REQUIRE(retired.size() == 1);
            CHECK(text(retired[0].at("key_uri")) == generation(certificate.key, 1));
            CHECK(deploy_env(hooks, certificate.name)["HWACME_KEY_URI"] ==
                  generation(certificate.key, 2));
        }

        // A grace of 0: the key rotated out now is destroyed in its device at once; the one
        // retired with seven days of grace stays.
        for (auto& certificate : certificates) certificate.grace = "0s";
        write_config(tmp.path(), pebble, certificates, tcti);
        auto rotated = run_configured(config, {"renew", "--force"}, env);
        INFO("second renew --force stderr: " << rotated.stderr_text);
        REQUIRE(rotated.exit_code == 0);
        states = status_of(config);
        for (const auto& certificate : certificates) {
            INFO(certificate.name);
            CHECK(check_live_pair(certificate.output_dir, tcti) == generation(certificate.key, 3));
            CHECK_FALSE(key_exists(generation(certificate.key, 2), tcti));
            CHECK(key_exists(generation(certificate.key, 1), tcti));
            const auto& retired = states[certificate.name].at("retired_keys").as_array();
            REQUIRE(retired.size() == 1);
            CHECK(text(retired[0].at("key_uri")) == generation(certificate.key, 1));
            CHECK(files_in(certificate.output_dir / "releases").size() == 2);
        }
        CHECK(files_in(tmp / "file-keys") == std::set<std::string>{"web-1.pem", "web-3.pem"});
        CHECK(files_in(tmp / "tpm-keys") ==
              std::set<std::string>{"db-1.tss2.pem", "db-3.tss2.pem"});
        CHECK(token_key_labels(token.token_uri()) == std::set<std::string>{"api-1", "api-3"});
    }

    SECTION("a dry run orders a certificate and leaves state output hooks and keys as they were") {
        auto before = run_configured(config, {"status", "--json"});
        auto deploys_before = slurp(hooks.record_dir / "deploys");
        auto live_before = slurp(tmp / "out" / "web" / "current" / "fullchain.pem");
        auto dry =
            run_configured(config, {"renew", "--dry-run", "--cert", "web", "--cert", "db"}, env);
        INFO("dry run stderr: " << dry.stderr_text);
        REQUIRE(dry.exit_code == 0);
        CHECK(dry.stdout_text.find("dry run: web: renewed") != std::string::npos);
        CHECK(dry.stdout_text.find("dry run: db: renewed") != std::string::npos);
        CHECK(dry.stdout_text.find("api") == std::string::npos);
        CHECK(run_configured(config, {"status", "--json"}).stdout_text == before.stdout_text);
        CHECK(slurp(hooks.record_dir / "deploys") == deploys_before);
        CHECK(slurp(tmp / "out" / "web" / "current" / "fullchain.pem") == live_before);
        CHECK(files_in(tmp / "out" / "web" / "releases").size() == 1);
        // The rotation key the rehearsal generated is destroyed again.
        CHECK(files_in(tmp / "file-keys") == std::set<std::string>{"web-1.pem"});
        CHECK(files_in(tmp / "tpm-keys") == std::set<std::string>{"db-1.tss2.pem"});
    }

    SECTION("a dry run destroys the key it generated in the token again") {
        auto dry = run_configured(config, {"renew", "--dry-run", "--cert", "api"}, env);
        INFO("dry run stderr: " << dry.stderr_text);
        REQUIRE(dry.exit_code == 0);
        CHECK(dry.stdout_text.find("dry run: api: renewed") != std::string::npos);
        CHECK_THAT(dry.stderr_text, Catch::Contains("destroyed the dry run's key"));
        CHECK(token_key_labels(token.token_uri()) == std::set<std::string>{"api-1"});
    }
}
