// `hwacme key show` of a software key: the SPKI hash it prints is what openssl computes from the
// key file itself.
#include <catch2/catch.hpp>

#include "tests/cli/hwacme_runner.h"

using namespace hwacme::test;

TEST_CASE("key show of a file key prints the SPKI hash openssl computes from the key file",
          "[unit]") {
    TempDir tmp("hwacme-key-show");
    const std::string path = (tmp / "web.pem").string();
    auto generated = run_hwacme({"key", "generate", "file:" + path, "--type", "ec-p384"});
    INFO(generated.stderr_text);
    REQUIRE(generated.exit_code == 0);

    auto openssl = run_command(
        {"sh", "-c", "openssl pkey -in \"$1\" -pubout -outform DER | sha256sum", "sh", path});
    REQUIRE(openssl.exit_code == 0);
    const std::string expected = openssl.stdout_text.substr(0, 64);

    auto shown = run_hwacme({"key", "show", "file:" + path});
    INFO(shown.stderr_text);
    REQUIRE(shown.exit_code == 0);
    CHECK_THAT(shown.stdout_text, Catch::Contains("\nspki sha256: " + expected + "\n"));
    CHECK_THAT(shown.stdout_text, Catch::Contains("-----BEGIN PUBLIC KEY-----\n"));
    auto json = run_hwacme({"key", "show", "file:" + path, "--json"});
    REQUIRE(json.exit_code == 0);
    CHECK_THAT(json.stdout_text, Catch::Contains("\"spki_sha256\":\"" + expected + "\""));
}
