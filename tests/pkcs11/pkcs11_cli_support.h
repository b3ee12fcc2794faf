#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "keystore/key.h"
#include "keystore/key_uri.h"
#include "keystore/keystore.h"
#include "pkcs11/pkcs11_keystore.h"
#include "tests/cli/hwacme_runner.h"
#include "tests/support/certificate_spki.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/slurp.h"

// What the end-to-end tests of the pkcs11: backend share: they drive the built `hwacme` against
// a Pebble CA and a throwaway SoftHSM token, and check the outcome with `openssl` and with the
// token itself.
namespace hwacme::test::p11e2e {

namespace fs = std::filesystem;

/// Runs `openssl ARGS…` and fails the test unless it exits 0; gives its stdout.
inline std::string openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto result = run_command(argv);
    INFO("openssl " << args.front() << " stderr: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return result.stdout_text;
}

/// `issue` options that serve http-01 on the port Pebble validates.
inline std::vector<std::string> http01_options(const PebbleFixture& pebble) {
    return {"--http-address", "127.0.0.1", "--http-port", std::to_string(pebble.http_port())};
}

/// Every regular file below `dir`, as paths relative to it.
inline std::set<std::string> files_under(const fs::path& dir) {
    std::set<std::string> out;
    if (!fs::exists(dir)) return out;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) out.insert(fs::relative(entry.path(), dir).string());
    return out;
}

/// The public half of a token key as the token gives it, read in this process through the
/// keystore (the child processes have exited, so the token is ours alone).
inline Bytes token_spki(const std::string& uri_text,
                        const keystore::KeystoreOptions& options = {}) {
    auto uri = keystore::KeyUri::parse(uri_text);
    auto store = pkcs11::open_keystore(uri, options);
    return keystore::public_key_spki(*store->open(uri));
}

/// A failure as the CLI must report it: exit 1 and exactly one line on stderr.
inline void check_one_line_failure(const CommandResult& result) {
    INFO("stderr: " << result.stderr_text);
    CHECK(result.exit_code == 1);
    REQUIRE_FALSE(result.stderr_text.empty());
    CHECK(result.stderr_text.find('\n') == result.stderr_text.size() - 1);
}

}  // namespace hwacme::test::p11e2e
