// The TPM path end to end through the CLI: hwacme, run as an operator runs it, signs every ACME
// request and the CSR in swtpm and gets certificates from a real Pebble.

#include <catch2/catch.hpp>

#include "tests/tpm/tpm_cli_support.h"

using namespace hwacme::test;
using namespace hwacme::test::tpm_cli;
namespace fs = std::filesystem;

namespace {

const std::string kAccountHandle = "tpm2:handle=0x81000010";

/// What a relying party checks: the chain verifies to Pebble's root, the SANs are the names
/// asked for, and the certificate carries the public key the TPM holds for `key`.
void check_issued(const PebbleFixture& pebble, const SwtpmFixture& swtpm, const fs::path& out,
                  const std::string& key, const std::vector<std::string>& names) {
    REQUIRE(fs::exists(out / "cert.pem"));
    CHECK(slurp(out / "fullchain.pem") == slurp(out / "cert.pem") + slurp(out / "chain.pem"));
    auto verified =
        openssl_ok({"verify", "-CAfile", pebble.issuing_root_path().string(), "-untrusted",
                    (out / "chain.pem").string(), (out / "cert.pem").string()});
    CHECK(verified.find(": OK") != std::string::npos);
    auto sans = openssl_ok(
        {"x509", "-in", (out / "cert.pem").string(), "-noout", "-ext", "subjectAltName"});
    for (const auto& name : names) CHECK(sans.find("DNS:" + name) != std::string::npos);
    auto cert_key = openssl_ok({"x509", "-in", (out / "cert.pem").string(), "-noout", "-pubkey"});
    CHECK(cert_key == provider_public_key(swtpm, key));
}

/// `hwacme key show` for a key the TPM generated: its custody bits are set.
void check_custody(const SwtpmFixture& swtpm, const std::string& uri) {
    auto shown = run_hwacme({"--tcti", swtpm.tcti(), "key", "show", uri});
    INFO(shown.stderr_text);
    REQUIRE(shown.exit_code == 0);
    CHECK(shown.stdout_text.find("custody: generated in this TPM") != std::string::npos);
    CHECK(shown.stdout_text.find("jwk thumbprint: ") != std::string::npos);
    CHECK(shown.stdout_text.find("fixedTPM: yes\n") != std::string::npos);
    CHECK(shown.stdout_text.find("fixedParent: yes\n") != std::string::npos);
    CHECK(shown.stdout_text.find("sensitiveDataOrigin: yes\n") != std::string::npos);
    CHECK(shown.stdout_text.find("TCTI: " + swtpm.tcti() + "\n") != std::string::npos);
}

/// Registers an account whose key hwacme generates at the persistent handle.
void register_tpm_account(const PebbleFixture& pebble, const SwtpmFixture& swtpm,
                          const TempDir& tmp) {
    auto registered =
        run_hwacme(join({"--tcti", swtpm.tcti(), "account", "register", "--account-key",
                         kAccountHandle, "--email", "ops@example.com", "--agree-tos"},
                        ca_options(pebble, tmp)));
    INFO(registered.stderr_text);
    REQUIRE(registered.exit_code == 0);
    CHECK(registered.stdout_text.find("account key: " + kAccountHandle) != std::string::npos);
}

/// Issues for the names with the certificate key at `key_uri`, the TPM named by HWACME_TCTI.
CommandResult issue(const PebbleFixture& pebble, const SwtpmFixture& swtpm, const TempDir& tmp,
                    const std::string& key_uri, const std::vector<std::string>& names,
                    const fs::path& out) {
    std::vector<std::string> args{"issue"};
    for (const auto& name : names) args.insert(args.end(), {"-d", name});
    args = join(args, {"--key", key_uri, "--http-address", "127.0.0.1", "--http-port",
                       std::to_string(pebble.http_port()), "--out", out.string()});
    return run_hwacme(join(args, ca_options(pebble, tmp)), {"HWACME_TCTI=" + swtpm.tcti()});
}

}  // namespace

TEST_CASE("TPM account handle and TPM certificate key file issue a two-name certificate",
          "[pebble][swtpm]") {
    PebbleFixture pebble;
    SwtpmFixture swtpm;
    TempDir tmp("hwacme-tpm-issue");
    register_tpm_account(pebble, swtpm, tmp);

    const std::string web_key = (tmp / "web.tss2.pem").string();
    auto issued = issue(pebble, swtpm, tmp, "tpm2:path=" + web_key,
                        {"a.example.com", "b.example.com"}, tmp / "out");
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK(issued.stdout_text.find("names:       a.example.com b.example.com") != std::string::npos);
    CHECK(issued.stdout_text.find("key:         tpm2:path=" + web_key) != std::string::npos);
    CHECK(fs::status(web_key).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
    check_issued(pebble, swtpm, tmp / "out", web_key, {"a.example.com", "b.example.com"});
    check_custody(swtpm, "tpm2:path=" + web_key);
    check_custody(swtpm, kAccountHandle);
}

TEST_CASE("TPM issuance leaves no transient object or session loaded after hwacme exits",
          "[pebble][swtpm]") {
    PebbleFixture pebble;
    SwtpmFixture swtpm;
    TempDir tmp("hwacme-tpm-leak");
    // swtpm has no resource manager: whatever a process leaves loaded stays until a reset.
    register_tpm_account(pebble, swtpm, tmp);
    CHECK(getcap(swtpm, "handles-transient").empty());
    CHECK(getcap(swtpm, "handles-loaded-session").empty());

    auto issued = issue(pebble, swtpm, tmp, "tpm2:path=" + (tmp / "web.tss2.pem").string(),
                        {"leak.example.com"}, tmp / "out");
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);
    CHECK(getcap(swtpm, "handles-transient").empty());
    CHECK(getcap(swtpm, "handles-loaded-session").empty());
    // The account key stays: persistent objects are meant to.
    CHECK(getcap(swtpm, "handles-persistent").find("0x81000010") != std::string::npos);
}

TEST_CASE("TPM certificate key revokes its own certificate and a second revoke is refused",
          "[pebble][swtpm]") {
    PebbleFixture pebble;
    SwtpmFixture swtpm;
    TempDir tmp("hwacme-tpm-revoke");
    register_tpm_account(pebble, swtpm, tmp);
    const std::string key_uri = "tpm2:path=" + (tmp / "web.tss2.pem").string();
    auto issued = issue(pebble, swtpm, tmp, key_uri, {"revoke.example.com"}, tmp / "out");
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);

    // RFC 8555 §7.6: signed by the certificate's key with a jwk header, no account involved.
    const std::string cert = (tmp / "out" / "cert.pem").string();
    auto revoke = [&] {
        return run_hwacme(join({"--tcti", swtpm.tcti(), "revoke", "--cert", cert, "--cert-key",
                                key_uri, "--reason", "keyCompromise"},
                               ca_options(pebble, tmp)));
    };
    auto revoked = revoke();
    INFO(revoked.stderr_text);
    CHECK(revoked.exit_code == 0);
    CHECK(revoked.stdout_text.find("revoked: " + cert) == 0);

    auto again = revoke();
    CHECK(again.exit_code == 1);
    CHECK(again.stderr_text.find("already revoked") != std::string::npos);
    CHECK(one_line(again.stderr_text));
    CHECK(getcap(swtpm, "handles-transient").empty());
    CHECK(getcap(swtpm, "handles-loaded-session").empty());
}
