// A web server that serves a TPM key, reloaded onto the rotated key of a renewal while clients
// keep connecting: real nginx and HAProxy, set up as `hwacme snippet` and docs/deployment.md
// prescribe (one worker or thread, tpm2-openssl behind tpm2-abrmd), reloaded by the shipped
// deploy hooks, with the key rotated in the TPM by `hwacme renew --force` against Pebble.

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/deploy/handshake_load.h"
#include "tests/renew/renew_support.h"
#include "tests/support/free_port.h"
#include "tests/tpm/tabrmd_fixture.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;
using namespace std::chrono_literals;

namespace {

const std::string kProviderConfig =
    std::string(HWACME_SOURCE_DIR) + "/dist/openssl/openssl-tpm2.cnf";

std::string executable(const std::string& path, const std::string& package) {
    if (::access(path.c_str(), X_OK) != 0)
        FAIL(path + " is missing: install the Debian package " + package);
    return path;
}

int pid_in(const fs::path& pid_file) {
    std::ifstream in(pid_file);
    int pid = 0;
    in >> pid;
    return pid;
}

/// Running, not a zombie: a daemon's old master has no parent left that reaps it here.
bool alive(int pid) {
    if (pid <= 0 || ::kill(pid, 0) != 0) return false;
    const auto stat = slurp(fs::path("/proc") / std::to_string(pid) / "stat");
    const auto after_name = stat.rfind(") ");
    return after_name == std::string::npos || stat.substr(after_name + 2, 1) != "Z";
}

/// The pid a daemon writes once it runs: it may write the file after the command that started
/// it returned. A pid of 0 must never reach `kill`, which would signal this process group.
int started_pid(const fs::path& pid_file) {
    for (int waited = 0; waited < 200; ++waited) {
        if (const int pid = pid_in(pid_file); alive(pid)) return pid;
        std::this_thread::sleep_for(50ms);
    }
    FAIL("no running process in " + pid_file.string());
    return 0;
}

/// Stops the process whose pid the file names (SIGTERM, SIGKILL after 5 s) unless it is gone.
void stop_by_pid_file(const fs::path& pid_file) {
    const int pid = pid_in(pid_file);
    if (!alive(pid)) return;
    ::kill(pid, SIGTERM);
    for (int waited = 0; waited < 100 && alive(pid); ++waited) std::this_thread::sleep_for(50ms);
    if (alive(pid)) ::kill(pid, SIGKILL);
}

/// A certificate kept by `hwacme renew` whose key rotates in a TPM behind tpm2-abrmd, deployed
/// by one of the shipped hooks into a server folder of this test's.
struct TpmSite {
    TabrmdFixture tpm;
    PebbleFixture pebble;
    TempDir tmp{"hwacme-served-reload"};
    fs::path out = tmp / "out";
    fs::path server_dir = tmp / "server";
    fs::path config;
    int port = free_port();

    explicit TpmSite(const std::string& hook) {
        // This process checks the live pair through tpm2-abrmd as well.
        const auto bus = tpm.env().front();
        ::setenv("DBUS_SESSION_BUS_ADDRESS", bus.substr(bus.find('=') + 1).c_str(), 1);
        fs::create_directories(server_dir / "hwacme");
        fs::create_directories(server_dir / "tmp");
        config =
            write_config(tmp.path(), pebble,
                         {{.name = "site",
                           .identifiers = {"site.example.com"},
                           .key = "tpm2:path=" + (tmp / "site-{generation}.tss2.pem").string(),
                           .challenge = http01(pebble),
                           .output_dir = out,
                           .deploy_hook = std::string(HWACME_SOURCE_DIR) + "/dist/hooks/" + hook}},
                         tpm.tcti());
    }
    /// What the web server (and its configuration test) needs to reach the key.
    std::vector<std::string> server_env() const {
        auto env = tpm.env();
        env.push_back("OPENSSL_CONF=" + kProviderConfig);
        env.push_back("TPM2OPENSSL_TCTI=" + tpm.tcti());
        return env;
    }
    /// `env VARIABLES… ` in front of a command line the hooks split at spaces.
    std::string with_server_env(const std::string& command) const {
        std::string line = "env";
        for (const auto& entry : server_env()) line += " " + entry;
        return line + " " + command;
    }
    CommandResult renew(std::vector<std::string> args, std::vector<std::string> hook_env) const {
        auto env = tpm.env();
        env.insert(env.end(), hook_env.begin(), hook_env.end());
        return run_configured(config, std::move(args), env);
    }
    std::string live_serial() const {
        return first_certificate_serial(slurp(out / "current" / "fullchain.pem"));
    }
};

/// nginx as the snippet prescribes for TPM keys: one worker, the provider's settings passed on
/// to a new master; `env_lines` false leaves those out, as an operator might.
fs::path write_nginx_config(const TpmSite& site, bool env_lines) {
    const auto dir = site.server_dir;
    std::string text = "daemon on;\nmaster_process on;\nworker_processes 1;\n";
    if (::geteuid() == 0) text += "user root;\n";  // the workers reach the test's private bus
    text += "pid " + (dir / "nginx.pid").string() + ";\nerror_log " + (dir / "error.log").string() +
            " notice;\n";
    if (env_lines)
        text += "env OPENSSL_CONF;\nenv TPM2OPENSSL_TCTI;\nenv DBUS_SESSION_BUS_ADDRESS;\n";
    text += "events { worker_connections 64; }\nhttp {\n  access_log off;\n";
    for (const std::string temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        text += "  " + temp + "_temp_path " + (dir / "tmp").string() + ";\n";
    text += "  server {\n    listen 127.0.0.1:" + std::to_string(site.port) +
            " ssl;\n    include " + (dir / "hwacme" / "site.conf").string() +
            ";\n    location / { return 200 \"ok\\n\"; }\n  }\n}\n";
    const auto file = dir / "nginx.conf";
    write_text(file, text);
    return file;
}

std::vector<std::string> nginx_hook_env(const TpmSite& site, const fs::path& conf) {
    const auto nginx = executable("/usr/sbin/nginx", "nginx");
    const auto dir = site.server_dir.string();
    return {"NGINX_HWACME_DIR=" + (site.server_dir / "hwacme").string(),
            "NGINX_TEST_COMMAND=" + site.with_server_env(nginx + " -t -q -c " + conf.string() +
                                                         " -p " + dir + " -e " + dir + "/test.log"),
            "NGINX_PID_FILE=" + (site.server_dir / "nginx.pid").string()};
}

/// Issues the first certificate (deployed with no server running yet), then starts nginx on it.
void start_nginx(const TpmSite& site, const fs::path& conf) {
    auto env = nginx_hook_env(site, conf);
    env.push_back("NGINX_RELOAD_COMMAND=true");
    auto first = site.renew({"renew"}, env);
    INFO(first.stderr_text);
    REQUIRE(first.exit_code == 0);
    const auto dir = site.server_dir.string();
    // Started by its absolute path: the in-place upgrade runs the master's argv[0] again.
    auto started =
        run_command({"/usr/sbin/nginx", "-c", conf.string(), "-p", dir, "-e", dir + "/error.log"},
                    site.server_env());
    INFO(started.stderr_text);
    REQUIRE(started.exit_code == 0);
}

/// What the load saw, for the log of a run: the figures behind docs/deployment.md.
void report(const std::string& server, const HandshakeLoad& load, const std::string& old_serial,
            const std::string& new_serial) {
    auto served = load.served();
    WARN(server << ": " << served[old_serial] << " handshakes with the old key, "
                << served[new_serial] << " with the rotated key, " << load.failure_count()
                << " failed");
}

std::string failures_text(const HandshakeLoad& load) {
    std::string text;
    for (const auto& failure : load.failures()) text += failure + "\n";
    return text;
}

/// `renew --force` while four clients keep handshaking with the server, whose deploy hook
/// `hook_env` configures; then stops the server. No handshake may fail, both keys must be
/// seen, the hook's own handshake must find the new serial, and the live pair must match.
void renew_under_load(const std::string& server, const TpmSite& site,
                      std::vector<std::string> hook_env, const fs::path& pid_file) {
    const std::string old_serial = site.live_serial();
    HandshakeLoad load(site.port, 4);
    REQUIRE(load.wait_for(old_serial, 20, 30));
    hook_env.push_back("VERIFY_CONNECT=127.0.0.1:" + std::to_string(site.port));
    auto renewed = site.renew({"renew", "--force"}, hook_env);
    INFO(renewed.stderr_text);
    CHECK(renewed.exit_code == 0);
    const std::string new_serial = site.live_serial();
    REQUIRE(new_serial != old_serial);
    CHECK(load.wait_for(new_serial, 50, 30));
    load.stop();
    stop_by_pid_file(pid_file);

    report(server, load, old_serial, new_serial);
    INFO("failed handshakes:\n" << failures_text(load));
    CHECK(load.failure_count() == 0);
    CHECK(load.served().size() == 2);
    check_live_pair(site.out, site.tpm.tcti());
}

}  // namespace

TEST_CASE(
    "nginx with one worker serves the rotated TPM key after the hook's in-place upgrade, "
    "no handshake failing meanwhile",
    "[pebble][swtpm]") {
    TpmSite site("nginx-reload");
    const auto conf = write_nginx_config(site, true);
    start_nginx(site, conf);
    const auto pid_file = site.server_dir / "nginx.pid";
    const int old_master = started_pid(pid_file);

    renew_under_load("nginx", site, nginx_hook_env(site, conf), pid_file);
    CHECK_FALSE(alive(old_master));
}

TEST_CASE(
    "nginx that does not pass the provider settings to a new master keeps serving the old "
    "key, and the hook says why",
    "[pebble][swtpm]") {
    TpmSite site("nginx-reload");
    const auto conf = write_nginx_config(site, false);
    start_nginx(site, conf);
    const auto pid_file = site.server_dir / "nginx.pid";
    const int old_master = started_pid(pid_file);
    const std::string old_serial = site.live_serial();

    auto env = nginx_hook_env(site, conf);
    env.push_back("NGINX_UPGRADE_WAIT=3");
    auto renewed = site.renew({"renew", "--force"}, env);
    CHECK(renewed.exit_code == 1);
    CHECK(renewed.stderr_text.find("nginx started no new master") != std::string::npos);
    CHECK(renewed.stderr_text.find("still serves the previous certificate") != std::string::npos);

    HandshakeLoad load(site.port, 1);
    CHECK(load.wait_for(old_serial, 5, 30));
    load.stop();
    CHECK(alive(old_master));
    CHECK(pid_in(pid_file) == old_master);
    stop_by_pid_file(pid_file);
    INFO("failed handshakes:\n" << failures_text(load));
    CHECK(load.failure_count() == 0);
}

TEST_CASE(
    "HAProxy with one thread serves the rotated TPM key after the hook's reload, no "
    "handshake failing meanwhile",
    "[pebble][swtpm]") {
    TpmSite site("haproxy-reload");
    const auto haproxy = executable("/usr/sbin/haproxy", "haproxy");
    const auto cfg = site.server_dir / "haproxy.cfg";
    const auto pid_file = site.server_dir / "haproxy.pid";
    write_text(cfg,
               "global\n  nbthread 1\n  ssl-provider tpm2\n  ssl-provider default\n"
               "  ssl-propquery ?provider=tpm2,tpm2.digest!=yes,tpm2.cipher!=yes\n"
               "defaults\n  mode http\n  timeout connect 5s\n  timeout client 5s\n"
               "  timeout server 5s\nfrontend site\n  bind 127.0.0.1:" +
                   std::to_string(site.port) + " ssl crt " + (site.server_dir / "hwacme").string() +
                   "/\n  http-request return status 200 content-type text/plain string ok\n");
    std::vector<std::string> env{
        "HAPROXY_HWACME_DIR=" + (site.server_dir / "hwacme").string(),
        "HAPROXY_TEST_COMMAND=" + site.with_server_env(haproxy + " -c -q -f " + cfg.string())};
    {
        auto first_env = env;
        first_env.push_back("HAPROXY_RELOAD_COMMAND=true");
        auto first = site.renew({"renew"}, first_env);
        INFO(first.stderr_text);
        REQUIRE(first.exit_code == 0);
    }
    // Master-worker mode, as Debian's haproxy.service runs it; no OPENSSL_CONF: ssl-provider
    // loads the provider.
    auto server_env = site.server_env();
    std::erase_if(server_env, [](const auto& entry) { return entry.starts_with("OPENSSL_CONF="); });
    auto started =
        run_command({haproxy, "-W", "-D", "-p", pid_file.string(), "-f", cfg.string()}, server_env);
    INFO(started.stderr_text);
    REQUIRE(started.exit_code == 0);
    // What `systemctl reload haproxy` does on Debian, after its configuration test.
    env.push_back("HAPROXY_RELOAD_COMMAND=kill -USR2 " + std::to_string(started_pid(pid_file)));
    renew_under_load("HAProxy", site, env, pid_file);
}
