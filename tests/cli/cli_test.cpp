#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/cli/hwacme_runner.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

/// One line of error on stderr, nothing else: what an operator reads in a log.
bool single_error_line(const std::string& text) {
    return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

}  // namespace

TEST_CASE("hwacme --version prints the version", "[unit]") {
    auto result = run_hwacme({"--version"});
    CHECK(result.exit_code == 0);
    CHECK(result.stdout_text.rfind("hwacme ", 0) == 0);
}

TEST_CASE("hwacme --help names every command and the key URI forms", "[unit]") {
    auto result = run_hwacme({"--help"});
    CHECK(result.exit_code == 0);
    for (const char* word : {"account", "issue", "revoke", "key", "--server", "--ca-bundle",
                             "--state-dir", "pkcs11:", "tpm2:", "file:"}) {
        INFO(word);
        CHECK(result.stdout_text.find(word) != std::string::npos);
    }
    auto issue_help = run_hwacme({"issue", "--help"});
    CHECK(issue_help.exit_code == 0);
    CHECK(issue_help.stdout_text.find("--webroot") != std::string::npos);
}

TEST_CASE("a wrong command line exits 2", "[unit]") {
    CHECK(run_hwacme({}).exit_code == 2);
    CHECK(run_hwacme({"issue", "-d", "a.example"}).exit_code == 2);
    CHECK(run_hwacme({"key", "generate", "file:/tmp/x.pem", "--type", "dsa"}).exit_code == 2);
}

TEST_CASE("an unreachable CA is one line naming the URL and exit 1", "[unit]") {
    TempDir tmp("hwacme-cli");
    auto result = run_hwacme({"account", "register", "--account-key",
                              "file:" + (tmp / "account.pem").string(), "--agree-tos", "--server",
                              "https://127.0.0.1:1/dir", "--state-dir", (tmp / "state").string()});
    CHECK(result.exit_code == 1);
    CHECK(single_error_line(result.stderr_text));
    CHECK(result.stderr_text.find("https://127.0.0.1:1/dir") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "state"));
}

TEST_CASE("an unknown key URI scheme is one line naming it", "[unit]") {
    auto result = run_hwacme({"key", "show", "vault:secret/key"});
    CHECK(result.exit_code == 1);
    CHECK(single_error_line(result.stderr_text));
    CHECK(result.stderr_text.find("vault") != std::string::npos);
}

TEST_CASE("issue without any account tells the operator what to run", "[unit]") {
    TempDir tmp("hwacme-cli");
    auto result =
        run_hwacme({"issue", "-d", "a.example", "--key", "file:" + (tmp / "cert.pem").string(),
                    "--out", (tmp / "out").string(), "--state-dir", (tmp / "state").string(),
                    "--server", "https://127.0.0.1:1/dir"});
    CHECK(result.exit_code == 1);
    CHECK(single_error_line(result.stderr_text));
    CHECK(result.stderr_text.find("hwacme account register") != std::string::npos);
    CHECK_FALSE(fs::exists(tmp / "out"));
}

TEST_CASE("key generate then show then list then delete work on file keys", "[unit]") {
    TempDir tmp("hwacme-cli");
    std::string uri = "file:" + (tmp / "k.pem").string();
    auto generated = run_hwacme({"key", "generate", uri, "--type", "ec-p384"});
    REQUIRE(generated.exit_code == 0);
    CHECK(generated.stdout_text.find("ec-p384") != std::string::npos);
    CHECK(run_hwacme({"key", "generate", uri}).exit_code == 1);
    auto shown = run_hwacme({"key", "show", uri});
    CHECK(shown.exit_code == 0);
    CHECK(shown.stdout_text.find("jwk thumbprint: ") != std::string::npos);
    auto listed = run_hwacme({"key", "list", "file:" + tmp.path().string()});
    CHECK(listed.exit_code == 0);
    CHECK(listed.stdout_text.find("k.pem") != std::string::npos);
    CHECK(run_hwacme({"key", "delete", uri}).exit_code == 0);
    CHECK_FALSE(fs::exists(tmp / "k.pem"));
}
