#pragma once

// Helpers for the tests that drive the built `hwacme` against swtpm (and Pebble): command lines,
// file contents, openssl with and without the tpm2-openssl provider, and what the TPM holds.

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/free_port.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/slurp.h"
#include "tests/tpm/swtpm_fixture.h"

namespace hwacme::test::tpm_cli {

/// True when the message is one line: what an operator reads in a log or a terminal.
inline bool one_line(const std::string& text) {
    return !text.empty() && text.find('\n') == text.size() - 1;
}

/// True when a failed command's stderr ends with its error as one "hwacme: " line, after only
/// the progress lines hwacme logs itself — no library chatter such as "ERROR:esys:…".
inline bool ends_with_one_error_line(const std::string& text) {
    std::istringstream lines(text);
    std::vector<std::string> all;
    for (std::string line; std::getline(lines, line);) all.push_back(line);
    if (all.empty() || all.back().rfind("hwacme: ", 0) != 0) return false;
    for (std::size_t i = 0; i + 1 < all.size(); ++i)
        if (all[i].rfind("hwacme: ", 0) == 0 || all[i].find("ERROR:") != std::string::npos ||
            all[i].find("WARNING:") != std::string::npos)
            return false;
    return true;
}

/// openssl with env added (TPM2OPENSSL_TCTI for the provider: 1.1.1 reads it from the
/// environment only); fails the test naming the Debian package when a part is missing.
inline CommandResult openssl(const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {}) {
    require_tool("openssl", "openssl");
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env);
}

/// openssl's output, the test failing when openssl does.
inline std::string openssl_ok(const std::vector<std::string>& args,
                              const std::vector<std::string>& env = {}) {
    CommandResult result = openssl(args, env);
    INFO("openssl " << args.front() << ": " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return result.stdout_text;
}

/// The tpm2-openssl provider module, or the test fails naming its Debian package.
inline void require_tpm2_provider() {
    INFO("the tpm2-openssl provider is missing: install the Debian package tpm2-openssl");
    REQUIRE(std::filesystem::exists("/usr/lib/x86_64-linux-gnu/ossl-modules/tpm2.so"));
}

/// The public key (PEM) of a TSS2 key file or `handle:0x…`, as the tpm2-openssl provider reads
/// it from the TPM — an opinion independent of hwacme's.
inline std::string provider_public_key(const SwtpmFixture& swtpm, const std::string& key) {
    require_tpm2_provider();
    return openssl_ok({"pkey", "-provider", "tpm2", "-provider", "default", "-in", key, "-pubout"},
                      {"TPM2OPENSSL_TCTI=" + swtpm.tcti()});
}

/// What `tpm2_getcap` lists for a capability such as handles-transient: empty when none.
inline std::string getcap(const SwtpmFixture& swtpm, const std::string& capability) {
    CommandResult result = swtpm.tpm2_tool({"tpm2_getcap", capability});
    INFO("tpm2_getcap " << capability << ": " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    return result.stdout_text;
}

}  // namespace hwacme::test::tpm_cli
