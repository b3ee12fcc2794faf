// The challenge settings of a managed certificate reach the validation: tls-alpn-01 through the
// built-in responder, http-01 through a webroot that a real web server (busybox httpd) serves.

#include <catch2/catch.hpp>

#include "tests/renew/renew_support.h"
#include "tests/support/process.h"

using namespace hwacme::test;
using namespace hwacme::test::renew;

TEST_CASE("renew answers tls-alpn-01 and webroot http-01 as configured", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-renew-challenges");
    const auto webroot = tmp / "www";
    fs::create_directories(webroot);
    Process httpd({"busybox", "httpd", "-f", "-p",
                   "127.0.0.1:" + std::to_string(pebble.http_port()), "-h", webroot.string()});
    auto file_key = [&](const std::string& name) {
        return "file:" + (tmp / (name + "-{generation}.pem")).string();
    };
    auto config = write_config(tmp.path(), pebble,
                               {{.name = "alpn",
                                 .identifiers = {"alpn.example.com", "127.0.0.1"},
                                 .key = file_key("alpn"),
                                 .challenge = {{"type", "tls-alpn-01"},
                                               {"listen_address", "127.0.0.1"},
                                               {"tls_port", pebble.tls_port()}},
                                 .output_dir = tmp / "alpn"},
                                {.name = "web",
                                 .identifiers = {"web.example.com"},
                                 .key = file_key("web"),
                                 .challenge = {{"type", "http-01"}, {"webroot", webroot.string()}},
                                 .output_dir = tmp / "web"}});

    auto renewed = run_configured(config, {"renew"});
    INFO(renewed.stderr_text);
    REQUIRE(renewed.exit_code == 0);
    CHECK(check_live_pair(tmp / "alpn") == "file:" + (tmp / "alpn-1.pem").string());
    CHECK(check_live_pair(tmp / "web") == "file:" + (tmp / "web-1.pem").string());
    // The webroot keeps no token once validation is over.
    CHECK(fs::is_empty(webroot / ".well-known" / "acme-challenge"));
    auto status = status_of(config);
    CHECK(text(status["alpn"].at("last_error")).empty());
    CHECK(text(status["web"].at("last_error")).empty());
}
