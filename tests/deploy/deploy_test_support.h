#pragma once

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/slurp.h"

namespace hwacme::test::deploy {

namespace fs = std::filesystem;

inline void write_executable(const fs::path& file, const std::string& text) {
    std::ofstream(file) << text;
    fs::permissions(file, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
}

/// The lines a server acts on: without comments and blank lines.
inline std::vector<std::string> directive_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') lines.push_back(line);
    return lines;
}

/// A temp folder for one hook run: where the hook writes, and stub test and reload commands
/// that log to `calls` (one line each, in order). The test stub also copies what it finds in
/// the server's folder, proving the new files were in place when the server tested them.
class HookBench {
public:
    explicit HookBench(const std::string& server)
        : tmp_("hwacme-hook-" + server), server_dir_(tmp_ / "server") {
        write_executable(tmp_ / "test-ok", "#!/bin/sh\necho test >> '" + calls_file().string() +
                                               "'\ncp -a '" + server_dir_.string() + "' '" +
                                               (tmp_ / "seen-by-test").string() + "'\n");
        write_executable(tmp_ / "test-fails",
                         "#!/bin/sh\necho test >> '" + calls_file().string() +
                             "'\necho 'emerg: bad configuration' >&2\nexit 1\n");
        write_executable(tmp_ / "reload",
                         "#!/bin/sh\necho reload >> '" + calls_file().string() + "'\n");
    }

    /// Runs dist/hooks/<hook> with hwacme's variables `env` and the stubs as `prefix`_TEST_COMMAND
    /// and `prefix`_RELOAD_COMMAND; `prefix`_HWACME_DIR is server_dir().
    CommandResult run(const std::string& hook, const std::string& prefix,
                      std::vector<std::string> env, bool test_passes = true) const {
        env.push_back(prefix + "_HWACME_DIR=" + server_dir_.string());
        env.push_back(
            prefix + "_TEST_COMMAND=" + (tmp_ / (test_passes ? "test-ok" : "test-fails")).string());
        env.push_back(prefix + "_RELOAD_COMMAND=" + (tmp_ / "reload").string());
        return run_command({std::string(HWACME_SOURCE_DIR) + "/dist/hooks/" + hook}, env);
    }

    const fs::path& server_dir() const { return server_dir_; }
    fs::path seen_by_test() const { return tmp_ / "seen-by-test"; }
    std::string calls() const { return slurp(calls_file()); }
    /// Every name in the server folder, hidden temporary files included.
    std::vector<std::string> server_dir_names() const {
        std::vector<std::string> names;
        if (fs::exists(server_dir_))
            for (const auto& entry : fs::directory_iterator(server_dir_))
                names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        return names;
    }
    const TempDir& tmp() const { return tmp_; }

private:
    fs::path calls_file() const { return tmp_ / "calls"; }

    TempDir tmp_;
    fs::path server_dir_;
};

/// The variables hwacme gives a deploy hook, for the certificate "web" published under /srv.
inline std::vector<std::string> hwacme_env(const std::string& key_uri,
                                           const std::string& key_path = "") {
    std::vector<std::string> env{
        "HWACME_CERT_NAME=web", "HWACME_CERT_PATH=/srv/live/web/current/cert.pem",
        "HWACME_CHAIN_PATH=/srv/live/web/current/chain.pem",
        "HWACME_FULLCHAIN_PATH=/srv/live/web/current/fullchain.pem", "HWACME_KEY_URI=" + key_uri,
        "HWACME_SERIAL=0a1b2c", "HWACME_NOT_AFTER=2027-02-26T12:00:00Z",
        "HWACME_LIVE_DIR=/srv/live/web/current",
        // Whatever the test runner's environment holds must not change what the hook writes.
        "PKCS11_PIN_SOURCE="};
    // hwacme leaves HWACME_KEY_PATH out for keys not kept in files; the hooks take empty alike.
    env.push_back("HWACME_KEY_PATH=" + key_path);
    return env;
}

}  // namespace hwacme::test::deploy
