// What an operator sees when the TPM is not there, goes away during an issuance, or does not
// hold the key named: one line saying why, exit status 1, and nothing half-written.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <thread>

#include "tests/tpm/tpm_cli_support.h"

using namespace hwacme::test;
using namespace hwacme::test::tpm_cli;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

/// A TCP port that accepts connections (the kernel completes them from the backlog) and never
/// answers: Pebble's http-01 validation waits on it, so the order stays pending while hwacme
/// polls it with signed requests. Closed by the destructor.
class SilentListener {
public:
    explicit SilentListener(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        REQUIRE(fd_ >= 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        REQUIRE(::listen(fd_, 16) == 0);
    }
    ~SilentListener() { ::close(fd_); }
    SilentListener(const SilentListener&) = delete;
    SilentListener& operator=(const SilentListener&) = delete;

private:
    int fd_;
};

bool holds_certificate_files(const fs::path& out) {
    return fs::exists(out / "cert.pem") || fs::exists(out / "chain.pem") ||
           fs::exists(out / "fullchain.pem");
}

}  // namespace

TEST_CASE("TPM TCTI that cannot connect fails register and issue in one line naming it",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-tpm-notcti");
    // Nothing listens there: the port was free a moment ago and no swtpm was started on it.
    const std::string tcti = "swtpm:host=127.0.0.1,port=" + std::to_string(free_port());

    auto registered = run_hwacme(join({"--tcti", tcti, "account", "register", "--account-key",
                                       "tpm2:handle=0x81000010", "--agree-tos"},
                                      ca_options(pebble, tmp)));
    CHECK(registered.exit_code == 1);
    INFO(registered.stderr_text);
    CHECK(one_line(registered.stderr_text));
    CHECK(registered.stderr_text.find("'" + tcti + "'") != std::string::npos);
    CHECK(registered.stdout_text.empty());

    auto issued =
        run_hwacme(join({"issue", "-d", "a.example.com", "--key",
                         "tpm2:path=" + (tmp / "web.tss2.pem").string(), "--account-key",
                         "tpm2:path=" + (tmp / "account.tss2.pem").string(), "--agree-tos",
                         "--http-address", "127.0.0.1", "--http-port",
                         std::to_string(pebble.http_port()), "--out", (tmp / "out").string()},
                        ca_options(pebble, tmp)),
                   {"HWACME_TCTI=" + tcti});
    CHECK(issued.exit_code == 1);
    INFO(issued.stderr_text);
    CHECK(one_line(issued.stderr_text));
    CHECK(issued.stderr_text.find("'" + tcti + "'") != std::string::npos);

    CHECK_FALSE(fs::exists(tmp / "state"));
    CHECK_FALSE(fs::exists(tmp / "out"));
    CHECK_FALSE(fs::exists(tmp / "web.tss2.pem"));
    CHECK_FALSE(fs::exists(tmp / "account.tss2.pem"));
}

TEST_CASE("swtpm killed while an issuance waits for validation fails it and a rerun succeeds",
          "[pebble][swtpm]") {
    PebbleFixture pebble;
    SwtpmFixture swtpm;
    TempDir tmp("hwacme-tpm-crash");
    const fs::path webroot = tmp / "www";
    const fs::path out = tmp / "out";
    const fs::path web_key = tmp / "web.tss2.pem";
    fs::create_directories(webroot);
    const std::vector<std::string> command = join(
        {"--tcti", swtpm.tcti(), "issue", "-d", "crash.example.com", "--key",
         "tpm2:path=" + web_key.string(), "--account-key", "tpm2:handle=0x81000010", "--agree-tos",
         "--webroot", webroot.string(), "--out", out.string(), "--timeout", "60"},
        ca_options(pebble, tmp));

    std::string key_file_before;
    {
        SilentListener silent(pebble.http_port());
        ProcessOptions options;
        options.stdout_path = tmp / "issue.out";
        options.stderr_path = tmp / "issue.err";
        std::vector<std::string> argv{std::string(HWACME_BINARY_DIR) + "/hwacme"};
        Process issue(join(argv, command), options);
        // The challenge file appears once the account is registered, the order placed and the
        // certificate key generated; validation then hangs on the silent port, so every step
        // left (answering the challenge, polling, finalizing) still needs a TPM signature.
        const fs::path challenges = webroot / ".well-known" / "acme-challenge";
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        while (!fs::exists(challenges) || fs::is_empty(challenges)) {
            INFO(slurp(tmp / "issue.err"));
            REQUIRE_FALSE(issue.wait_for_exit(0ms).has_value());
            REQUIRE(std::chrono::steady_clock::now() < deadline);
            std::this_thread::sleep_for(5ms);
        }
        key_file_before = slurp(web_key);
        swtpm.kill();

        std::optional<int> exit_code = issue.wait_for_exit(90s);
        std::string stderr_text = slurp(tmp / "issue.err");
        INFO(stderr_text);
        CHECK(exit_code == 1);
        CHECK(ends_with_one_error_line(stderr_text));
        CHECK(stderr_text.find("'" + swtpm.tcti() + "'") != std::string::npos);
        CHECK_FALSE(holds_certificate_files(out));
        CHECK(fs::is_empty(challenges));
    }
    REQUIRE_FALSE(key_file_before.empty());
    CHECK(slurp(web_key) == key_file_before);

    // Same TPM state: the account key persisted in NV, the key file's parent is re-derived from
    // the same seed. A real web server serves the webroot this time.
    swtpm.restart();
    Process httpd({"busybox", "httpd", "-f", "-p",
                   "127.0.0.1:" + std::to_string(pebble.http_port()), "-h", webroot.string()});
    auto rerun = run_hwacme(command);
    INFO(rerun.stderr_text);
    REQUIRE(rerun.exit_code == 0);
    CHECK(slurp(web_key) == key_file_before);
    auto cert_key = openssl_ok({"x509", "-in", (out / "cert.pem").string(), "-noout", "-pubkey"});
    CHECK(cert_key == provider_public_key(swtpm, web_key.string()));
    CHECK(getcap(swtpm, "handles-transient").empty());
    CHECK(getcap(swtpm, "handles-loaded-session").empty());
}

TEST_CASE("key show of an empty TPM handle or a key file from another TPM fails in one line",
          "[swtpm]") {
    SwtpmFixture ours;
    SwtpmFixture theirs;
    TempDir tmp("hwacme-tpm-notfound");

    auto empty = run_hwacme({"--tcti", ours.tcti(), "key", "show", "tpm2:handle=0x81000099"});
    CHECK(empty.exit_code == 1);
    CHECK(one_line(empty.stderr_text));
    CHECK(empty.stderr_text.find("no key at TPM handle 0x81000099") != std::string::npos);
    CHECK(empty.stdout_text.empty());

    const std::string foreign = (tmp / "foreign.tss2.pem").string();
    auto made = run_hwacme({"--tcti", theirs.tcti(), "key", "generate", "tpm2:path=" + foreign});
    INFO(made.stderr_text);
    REQUIRE(made.exit_code == 0);
    auto shown = run_hwacme({"--tcti", ours.tcti(), "key", "show", "tpm2:path=" + foreign});
    CHECK(shown.exit_code == 1);
    INFO(shown.stderr_text);
    CHECK(one_line(shown.stderr_text));
    CHECK(shown.stderr_text.find(foreign) != std::string::npos);
    CHECK(shown.stderr_text.find("another TPM") != std::string::npos);
    CHECK(getcap(ours, "handles-transient").empty());
    CHECK(getcap(ours, "handles-loaded-session").empty());
}
