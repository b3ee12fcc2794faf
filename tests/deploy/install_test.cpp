// `cmake --install` puts the executable, the units, the hooks, the docs, the man pages and the
// completion where an operator expects them, and systemd accepts the units it installed.
#include <unistd.h>

#include "tests/deploy/deploy_test_support.h"

using namespace hwacme::test;
using namespace hwacme::test::deploy;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

void require_systemd_analyze() {
    if (run_command({"sh", "-c", "command -v systemd-analyze"}).exit_code != 0)
        FAIL("systemd-analyze is missing: install the Debian package systemd");
}

/// Installs the build into a fresh prefix, as `cmake --install BUILD --prefix PREFIX`.
struct Installed {
    TempDir tmp{"hwacme-install"};
    fs::path prefix = tmp / "usr";
    CommandResult result = run_command(
        {HWACME_CMAKE_COMMAND, "--install", HWACME_BINARY_DIR, "--prefix", prefix.string()});
};

}  // namespace

TEST_CASE("cmake --install lands the executable with its units hooks examples and docs", "[unit]") {
    Installed installed;
    INFO(installed.result.stdout_text << installed.result.stderr_text);
    REQUIRE(installed.result.exit_code == 0);
    const auto& prefix = installed.prefix;
    CHECK(::access((prefix / "bin/hwacme").c_str(), X_OK) == 0);
    for (const std::string hook : {"nginx-reload", "apache-reload", "haproxy-reload"})
        CHECK(::access((prefix / "share/hwacme/hooks" / hook).c_str(), X_OK) == 0);
    CHECK(fs::exists(prefix / "share/hwacme/hooks/hook-common.sh"));
    CHECK(fs::exists(prefix / "share/hwacme/examples/openssl-tpm2.cnf"));
    CHECK(fs::exists(prefix / "share/hwacme/examples/openssl-pkcs11-engine.cnf"));
    CHECK(fs::exists(prefix / "share/hwacme/examples/hwacme.service.d/pkcs11-pin-credential.conf"));
    CHECK(fs::exists(prefix / "share/doc/hwacme/deployment.md"));
    CHECK(fs::exists(prefix / "lib/systemd/system/hwacme.timer"));
    CHECK(fs::exists(prefix / "share/man/man1/hwacme.1"));
    CHECK(fs::exists(prefix / "share/man/man5/hwacme.json.5"));
    CHECK(fs::exists(prefix / "share/bash-completion/completions/hwacme"));

    // The example configuration is valid and manages nothing until it is edited.
    auto checked =
        run_command({(prefix / "bin/hwacme").string(), "--config",
                     (prefix / "share/hwacme/examples/hwacme.json").string(), "config", "check"});
    INFO(checked.stderr_text);
    CHECK(checked.exit_code == 0);
    CHECK(contains(checked.stdout_text, ": ok, 0 certificates\n"));

    // The unit names the executable at the prefix given to --install, not the configure-time one.
    const auto unit = slurp(prefix / "lib/systemd/system/hwacme.service");
    CHECK(contains(unit, "\nExecStart=" + (prefix / "bin/hwacme").string() + " renew\n"));
    CHECK_FALSE(contains(unit, "@CMAKE_"));
    CHECK(contains(unit, "\nLimitCORE=0\n"));

    // The installed hook finds its shared part beside it and works from there.
    auto version = run_command({(prefix / "bin/hwacme").string(), "--version"});
    CHECK(version.exit_code == 0);
    HookBench bench("installed");
    auto hook = run_command(
        {(prefix / "share/hwacme/hooks/nginx-reload").string()},
        {"HWACME_CERT_NAME=web", "HWACME_FULLCHAIN_PATH=/f.pem", "HWACME_KEY_URI=file:/k.pem",
         "HWACME_KEY_PATH=", "NGINX_HWACME_DIR=" + bench.server_dir().string(),
         "NGINX_TEST_COMMAND=true", "NGINX_RELOAD_COMMAND=true"});
    INFO(hook.stderr_text);
    CHECK(hook.exit_code == 0);
    CHECK(fs::exists(bench.server_dir() / "web.conf"));
}

TEST_CASE("systemd accepts the installed hwacme.service hwacme.timer and the PIN drop-in",
          "[unit]") {
    require_systemd_analyze();
    Installed installed;
    REQUIRE(installed.result.exit_code == 0);
    const auto units = installed.prefix / "lib/systemd/system";
    // The credential drop-in beside the unit, as an operator enables it.
    fs::create_directories(units / "hwacme.service.d");
    fs::copy_file(installed.prefix /
                      "share/hwacme/examples/hwacme.service.d/"
                      "pkcs11-pin-credential.conf",
                  units / "hwacme.service.d/pkcs11-pin-credential.conf");
    auto verify =
        run_command({"systemd-analyze", "verify", "--man=no", (units / "hwacme.service").string(),
                     (units / "hwacme.timer").string()});
    INFO(verify.stdout_text << verify.stderr_text);
    CHECK(verify.exit_code == 0);
    // verify exits 0 on unknown or misspelled settings and only warns: any output is a defect.
    CHECK(verify.stderr_text.empty());
    CHECK(verify.stdout_text.empty());
}

TEST_CASE("systemd rates the hwacme.service sandbox as well hardened", "[unit]") {
    require_systemd_analyze();
    Installed installed;
    REQUIRE(installed.result.exit_code == 0);
    // Exposure 0 (locked down) … 100 (unprotected); the unit scores 29 with the TPM and the
    // network it needs. A setting dropped by mistake pushes it over the threshold.
    auto security =
        run_command({"systemd-analyze", "security", "--offline=yes", "--threshold=35",
                     (installed.prefix / "lib/systemd/system/hwacme.service").string()});
    INFO(security.stdout_text << security.stderr_text);
    CHECK(security.exit_code == 0);
    CHECK(contains(security.stdout_text, "Overall exposure level for hwacme.service"));
}
