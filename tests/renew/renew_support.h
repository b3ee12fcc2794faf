#pragma once

// What the tests of `hwacme renew`, `list` and `status` share: a configuration file written for
// a Pebble CA, hook scripts that record what they saw (and can SIGKILL hwacme at a chosen
// moment), and checks of the published certificate against the key its key.uri names, read
// from the key's own device.

#include <sys/stat.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/bytes.h"
#include "common/error.h"
#include "keystore/file_keystore.h"
#include "keystore/key.h"
#include "keystore/key_uri.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/cli/hwacme_runner.h"
#include "tests/support/certificate_spki.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/slurp.h"
#include "tpm/tpm_keystore.h"

namespace hwacme::test::renew {

namespace fs = std::filesystem;

inline void write_text(const fs::path& path, const std::string& text, unsigned mode = 0644) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
}

/// A dns-01 hook that publishes through challtestsrv (CHALLTESTSRV_MANAGEMENT) and a deploy
/// hook that records its HWACME_* environment in RECORD_DIR/<name>.env and appends
/// "<name> <serial>" to RECORD_DIR/deploys. Either SIGKILLs hwacme (its parent) when the
/// file KILL_DIR/<moment> exists — moments: add, remove, deploy — deleting the file first, so
/// one kill happens per file. The deploy hook also waits while RECORD_DIR/hold exists, after
/// creating RECORD_DIR/holding: a renewal that stays in its deploy hook as long as a test wants;
/// and it fails (exit 3) while RECORD_DIR/fail exists.
struct Hooks {
    fs::path dns;
    fs::path deploy;
    fs::path record_dir;
    fs::path kill_dir;
    /// What hwacme's environment must hold for these hooks.
    std::vector<std::string> env(const PebbleFixture& pebble) const {
        return {"CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url(),
                "RECORD_DIR=" + record_dir.string(), "KILL_DIR=" + kill_dir.string()};
    }
    void kill_at(const std::string& moment) const { write_text(kill_dir / moment, ""); }
};

inline Hooks write_hooks(const fs::path& dir) {
    Hooks hooks{dir / "dns-hook", dir / "deploy-hook", dir / "records", dir / "kill"};
    fs::create_directories(hooks.record_dir);
    fs::create_directories(hooks.kill_dir);
    const std::string kill_if_asked = R"(kill_if_asked() {
    if [[ -e $KILL_DIR/$1 ]]; then rm -f "$KILL_DIR/$1"; kill -9 "$PPID"; exit 0; fi
}
)";
    write_text(hooks.dns,
               "#!/usr/bin/env bash\nset -euo pipefail\n" + kill_if_asked +
                   R"(action=$1 record=$2 value=${3:-}
kill_if_asked "$action"
case $action in
add) curl -sf -X POST -d "{\"host\":\"$record.\",\"value\":\"$value\"}" \
        "$CHALLTESTSRV_MANAGEMENT/set-txt" >/dev/null ;;
remove) curl -sf -X POST -d "{\"host\":\"$record.\"}" \
        "$CHALLTESTSRV_MANAGEMENT/clear-txt" >/dev/null ;;
esac
)",
               0755);
    write_text(hooks.deploy,
               "#!/usr/bin/env bash\nset -euo pipefail\n" + kill_if_asked +
                   R"(env | grep '^HWACME_' | sort >"$RECORD_DIR/$HWACME_CERT_NAME.env"
echo "$PPID" >"$RECORD_DIR/$HWACME_CERT_NAME.parent"
if [[ -e $RECORD_DIR/hold ]]; then
    touch "$RECORD_DIR/holding"
    while [[ -e $RECORD_DIR/hold ]]; do sleep 0.05; done
fi
kill_if_asked deploy
if [[ -e $RECORD_DIR/fail ]]; then echo "deploy hook: told to fail" >&2; exit 3; fi
echo "$HWACME_CERT_NAME $HWACME_SERIAL" >>"$RECORD_DIR/deploys"
)",
               0755);
    return hooks;
}

/// One certificate of a test configuration.
struct ManagedCertificate {
    std::string name{};
    std::vector<std::string> identifiers{};
    std::string key{};  ///< URI, with {generation} for policy rotate
    std::string key_policy = "rotate";
    std::string grace = "7d";
    boost::json::object challenge{};
    fs::path output_dir{};
    std::string deploy_hook{};  ///< empty: none
};

inline boost::json::object http01(const PebbleFixture& pebble) {
    return {
        {"type", "http-01"}, {"listen_address", "127.0.0.1"}, {"http_port", pebble.http_port()}};
}

inline boost::json::object dns01(const fs::path& hook) {
    return {{"type", "dns-01"}, {"dns_hook", hook.string()}};
}

/// A certificate named "broken" whose dns-01 hook publishes nothing, so Pebble finds no TXT
/// record and fails its challenge: keys in DIR/keys, output in DIR/out/broken.
inline ManagedCertificate failing_certificate(const fs::path& dir) {
    return {.name = "broken",
            .identifiers = {"broken.example.com"},
            .key = "file:" + (dir / "keys").string() + "/broken-{generation}.pem",
            .challenge = dns01("/bin/true"),
            .output_dir = dir / "out" / "broken"};
}

/// Writes the configuration file: the fixture's CA, a file account key registered on first use,
/// the state in `dir`/state, and the certificates.
inline fs::path write_config(const fs::path& dir, const PebbleFixture& pebble,
                             const std::vector<ManagedCertificate>& certificates,
                             const std::string& tcti = "") {
    boost::json::array list;
    for (const auto& c : certificates) {
        boost::json::object item{
            {"name", c.name},
            {"identifiers", boost::json::array(c.identifiers.begin(), c.identifiers.end())},
            {"key", c.key},
            {"key_policy", c.key_policy},
            {"key_grace_period", c.grace},
            {"challenge", c.challenge},
            {"output_dir", c.output_dir.string()}};
        if (!c.deploy_hook.empty()) item["deploy_hook"] = c.deploy_hook;
        list.push_back(std::move(item));
    }
    boost::json::object config{{"state_dir", (dir / "state").string()},
                               {"ca",
                                {{"directory", pebble.directory_url()},
                                 {"ca_bundle", pebble.tls_ca_path().string()},
                                 {"account_key", "file:" + (dir / "account.pem").string()},
                                 {"email", boost::json::array{"ops@example.com"}},
                                 {"agree_tos", true}}},
                               {"certificates", list}};
    if (!tcti.empty()) config["tcti"] = tcti;
    auto path = dir / "hwacme.json";
    write_text(path, "// written by the renew tests\n" + boost::json::serialize(config) + "\n");
    return path;
}

/// Points a configuration written by write_config at another ACME directory in front of the
/// same Pebble (the test-only proxy, which serves Pebble's TLS certificate).
inline void use_directory(const fs::path& config, const PebbleFixture& pebble,
                          const std::string& directory_url) {
    auto text = slurp(config);
    auto at = text.find(pebble.directory_url());
    REQUIRE(at != std::string::npos);
    write_text(config, text.replace(at, pebble.directory_url().size(), directory_url));
}

/// `hwacme --config CONFIG ARGS…` with the hooks' environment.
inline CommandResult run_configured(const fs::path& config, std::vector<std::string> args,
                                    const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {"--config", config.string()});
    return run_hwacme(args, env);
}

/// `status --json` as parsed JSON: certificate name → its object.
inline std::map<std::string, boost::json::object> status_of(
    const fs::path& config, const std::vector<std::string>& env = {}) {
    auto result = run_configured(config, {"status", "--json"}, env);
    INFO("status stderr: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    std::map<std::string, boost::json::object> out;
    auto parsed = boost::json::parse(result.stdout_text).as_object();
    for (const auto& item : parsed.at("certificates").as_array())
        out[std::string(item.at("name").as_string())] = item.as_object();
    return out;
}

inline std::string text(const boost::json::value& value) {
    return value.is_string() ? std::string(value.as_string()) : "";
}

/// The keystore of a key URI, opened in this process as hwacme opens it.
inline std::unique_ptr<keystore::Keystore> open_store(const std::string& uri_text,
                                                      const std::string& tcti = "") {
    auto uri = keystore::KeyUri::parse(uri_text);
    keystore::KeystoreOptions options;
    options.tcti = tcti;
    if (uri.scheme() == "pkcs11") return pkcs11::open_keystore(uri, options);
    if (uri.scheme() == "tpm2") return tpm::open_keystore(uri, options);
    return keystore::open_file_keystore(uri, options);
}

/// True when the key exists in its device.
inline bool key_exists(const std::string& uri, const std::string& tcti = "") {
    try {
        open_store(uri, tcti)->open(keystore::KeyUri::parse(uri));
        return true;
    } catch (const Error& e) {
        if (e.code() != Errc::NotFound) throw;
        return false;
    }
}

/// The live pair a web server reads: OUT/current/fullchain.pem's leaf must carry the public key
/// of the key OUT/current/key.uri names, as that key's device reports it. Returns the key URI.
inline std::string check_live_pair(const fs::path& out, const std::string& tcti = "") {
    auto live = out / "current";
    REQUIRE(fs::exists(live / "fullchain.pem"));
    std::string uri = slurp(live / "key.uri");
    while (!uri.empty() && uri.back() == '\n') uri.pop_back();
    INFO("key.uri: " << uri);
    auto parsed = keystore::KeyUri::parse(uri);
    auto key = open_store(uri, tcti)->open(parsed);
    CHECK(certificate_spki(slurp(live / "fullchain.pem")) == keystore::public_key_spki(*key));
    return uri;
}

/// The labels of the private keys in a SoftHSM token, as `hwacme key list` prints them.
inline std::set<std::string> token_key_labels(const std::string& token_uri) {
    auto listed = run_hwacme({"key", "list", token_uri});
    INFO("key list: " << listed.stderr_text);
    REQUIRE(listed.exit_code == 0);
    std::set<std::string> labels;
    std::istringstream lines(listed.stdout_text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("private key") == std::string::npos) continue;
        auto at = line.find(" label=");
        REQUIRE(at != std::string::npos);
        auto end = line.find(' ', at + 7);
        labels.insert(line.substr(at + 7, end == std::string::npos ? end : end - at - 7));
    }
    return labels;
}

/// The file names in a folder.
inline std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> names;
    if (!fs::exists(dir)) return names;
    for (const auto& entry : fs::directory_iterator(dir))
        names.insert(entry.path().filename().string());
    return names;
}

/// Waits until `path` exists, failing the test when it does not appear within a minute.
inline void wait_for_file(const fs::path& path) {
    for (int i = 0; i < 1200 && !fs::exists(path); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(fs::exists(path));
}

}  // namespace hwacme::test::renew
