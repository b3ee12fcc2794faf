// `hwacme snippet` prints what the example hooks write: an operator who pastes the snippet
// and one who installs the hook get the same server configuration.
#include "tests/deploy/deploy_test_support.h"

using namespace hwacme::test;
using namespace hwacme::test::deploy;

namespace {

// Where hwacme_env() says the chain is.
const std::string kFullchain = "/srv/live/web/current/fullchain.pem";

const std::vector<std::string> kKeyUris{
    "pkcs11:token=acme;object=web-2;type=private?module-path=/usr/lib/softhsm/"
    "libsofthsm2.so&pin-source=file:/etc/hwacme/pkcs11-pin",
    "pkcs11:token=acme;object=web$2",
    "tpm2:path=/var/lib/hwacme/keys/web-2.tss2.pem",
    "file:/etc/hwacme/keys/web.pem",
};

}  // namespace

TEST_CASE("nginx-reload and apache-reload write the lines hwacme snippet prints", "[unit]") {
    const std::vector<std::pair<std::string, std::string>> servers{{"nginx", "NGINX"},
                                                                   {"apache", "APACHE"}};
    for (const auto& [server, prefix] : servers) {
        for (const auto& uri : kKeyUris) {
            INFO(server << " " << uri);
            HookBench bench(server);
            auto hook = bench.run(server + "-reload", prefix, hwacme_env(uri));
            INFO(hook.stderr_text);
            REQUIRE(hook.exit_code == 0);
            auto printed = run_hwacme(
                {"snippet", "--web-server", server, "--key", uri, "--fullchain", kFullchain});
            INFO(printed.stderr_text);
            REQUIRE(printed.exit_code == 0);
            const auto written = directive_lines(slurp(bench.server_dir() / "web.conf"));
            // The certificate and the key; nginx also turns TLS 1.3 on for TPM keys.
            const bool tls13_line = server == "nginx" && uri.starts_with("tpm2:");
            CHECK(written.size() == (tls13_line ? 3u : 2u));
            CHECK(written == directive_lines(printed.stdout_text));
        }
    }
}

TEST_CASE("haproxy-reload makes the links hwacme snippet describes", "[unit]") {
    HookBench bench("haproxy");
    auto hook = bench.run("haproxy-reload", "HAPROXY", hwacme_env("file:/etc/hwacme/keys/web.pem"));
    INFO(hook.stderr_text);
    REQUIRE(hook.exit_code == 0);
    auto printed = run_hwacme({"snippet", "--web-server", "haproxy", "--key",
                               "file:/etc/hwacme/keys/web.pem", "--fullchain", kFullchain});
    REQUIRE(printed.exit_code == 0);
    for (const std::string link : {"web.pem", "web.pem.key"}) {
        const auto target = fs::read_symlink(bench.server_dir() / link).string();
        INFO(link << " -> " << target);
        CHECK(printed.stdout_text.find("/etc/haproxy/hwacme/NAME" + link.substr(3) + " -> " +
                                       target + "\n") != std::string::npos);
    }
}
