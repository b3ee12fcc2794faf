// What a web server does with hwacme's output: `openssl s_server` serves the issued chain and
// signs the TLS handshake with the token key through OpenSSL's pkcs11 engine (libp11), and a
// client that trusts only Pebble's root accepts it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/pkcs11/pkcs11_cli_support.h"
#include "tests/pkcs11/softhsm_fixture.h"
#include "tests/support/free_port.h"

using namespace hwacme::test;
using namespace hwacme::test::p11e2e;

namespace {

bool accepts_connections(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

CommandResult s_client(int port, const PebbleFixture& pebble, const std::string& host) {
    return run_command({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(port),
                        "-CAfile", pebble.issuing_root_path().string(), "-verify_return_error",
                        "-servername", host, "-verify_hostname", host});
}

}  // namespace

TEST_CASE("openssl s_server signs TLS with the issued token key through the pkcs11 engine",
          "[pebble][softhsm]") {
    auto engine = run_command({"openssl", "engine", "pkcs11", "-t"});
    INFO(engine.stderr_text);
    if (engine.exit_code != 0)
        FAIL(
            "OpenSSL's pkcs11 engine does not load: install the Debian package "
            "libengine-pkcs11-openssl");
    PebbleFixture pebble;
    SoftHsmToken token("hwacme-e2e");
    TempDir tmp("hwacme-p11-tls");
    const auto out = tmp / "out";
    auto issued = run_hwacme(join(
        join({"issue", "-d", "a.example.com", "-d", "b.example.com", "--key", token.uri_for("web"),
              "--account-key", token.uri_for("account"), "--agree-tos", "--out", out.string()},
             http01_options(pebble)),
        ca_options(pebble, tmp)));
    INFO(issued.stderr_text);
    REQUIRE(issued.exit_code == 0);

    // The engine takes RFC 7512 URIs with pin-source but refuses module-path: the module comes
    // from PKCS11_MODULE_PATH (else it would load the p11-kit proxy), the token from
    // SOFTHSM2_CONF, inherited from this process.
    const std::string engine_key =
        "pkcs11:token=" + token.token_label() +
        ";object=web;type=private?pin-source=file:" + token.pin_file().string();
    const int port = free_port();
    Process server(
        {"openssl", "s_server", "-engine", "pkcs11", "-keyform", "engine", "-key", engine_key,
         "-cert", (out / "cert.pem").string(), "-cert_chain", (out / "chain.pem").string(), "-www",
         "-accept", "127.0.0.1:" + std::to_string(port)},
        {.env = {"PKCS11_MODULE_PATH=" + token.module_path()},
         .stdout_path = tmp / "s_server.out",
         .stderr_path = tmp / "s_server.err"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!accepts_connections(port)) {
        if (server.wait_for_exit(std::chrono::milliseconds(100)) ||
            std::chrono::steady_clock::now() > deadline)
            FAIL("s_server is not listening on port " << port << ": "
                                                      << slurp(tmp / "s_server.err"));
    }

    auto client = s_client(port, pebble, "a.example.com");
    INFO("s_client stderr: " << client.stderr_text);
    CHECK(client.exit_code == 0);
    CHECK(client.stdout_text.find("Verify return code: 0 (ok)") != std::string::npos);
    // The handshake's CertificateVerify was made by the token key (the only private half of the
    // certified public key), so the client checked a token signature here.
    CHECK(client.stdout_text.find("Peer signature type:") != std::string::npos);

    // The same server is refused for a name the certificate does not carry: the client checks.
    auto other = s_client(port, pebble, "c.example.com");
    CHECK(other.exit_code != 0);
    CHECK(other.stdout_text.find("Verify return code: 62") != std::string::npos);
}
