#include <catch2/catch.hpp>

#include "agent/acme/dns_name.h"
#include "agent/acme/order.h"
#include "agent/http/url_policy.h"
#include "common/error.h"

using namespace hwacme;

TEST_CASE("DNS names are LDH labels, with a wildcard only as the whole first label", "[unit]") {
    for (const char* name : {"example.com", "a.b-c.example", "xn--bcher-kva.example", "localhost",
                             "*.example.com", "EXAMPLE.COM", "a1.example"})
        CHECK_FALSE(acme::dns_name_problem(name));
    for (const char* name : {"", ".", "example.com.", "a..b", "-a.example", "a-.example",
                             "a b.example", "a_b.example", "*", "a.*.example", "**.example",
                             "victim.example\nupdate delete x", "a/b.example", "a;b.example"})
        CHECK(acme::dns_name_problem(name));
    CHECK(acme::dns_name_problem(std::string(64, 'a') + ".example"));
    CHECK_FALSE(acme::dns_name_problem(std::string(63, 'a') + ".example"));
    std::string long_name;
    while (long_name.size() < 254) long_name += "abcdefghi.";
    long_name += "example";
    CHECK(acme::dns_name_problem(long_name));
}

TEST_CASE("identifier_for refuses a name that is neither a DNS name nor an IP", "[unit]") {
    CHECK(acme::identifier_for("192.0.2.1").type == "ip");
    CHECK(acme::identifier_for("2001:db8::1").type == "ip");
    CHECK(acme::identifier_for("*.example.com").type == "dns");
    try {
        acme::identifier_for("bad name\x1b");
        FAIL("accepted");
    } catch (const Error& e) {
        CHECK(e.code() == Errc::InvalidArgument);
        CHECK(std::string(e.what()) ==
              "the name 'bad name\\x1b' is not a DNS name or IP address: it has a character "
              "other than letters, digits, '-' and '.'");
    }
}

TEST_CASE("only https URLs are followed, plain http only from a loopback http directory",
          "[unit]") {
    CHECK_FALSE(http::directory_url_problem("https://acme-v02.api.letsencrypt.org/directory"));
    CHECK_FALSE(http::directory_url_problem("http://127.0.0.1:14000/dir"));
    CHECK_FALSE(http::directory_url_problem("http://[::1]:14000/dir"));
    CHECK_FALSE(http::directory_url_problem("http://localhost/dir"));
    CHECK(http::directory_url_problem("http://acme.example/dir"));
    CHECK(http::directory_url_problem("http://127.0.0.1.example/dir"));
    CHECK(http::directory_url_problem("ftp://acme.example/dir"));
    CHECK(http::directory_url_problem("not a url"));

    const std::string https_directory = "https://ca.example/dir";
    CHECK_NOTHROW(http::require_followable("https://other.example/order/1", https_directory, "a"));
    CHECK_THROWS_AS(http::require_followable("http://ca.example/order/1", https_directory, "a"),
                    Error);
    CHECK_THROWS_AS(http::require_followable("http://127.0.0.1/order/1", https_directory, "a"),
                    Error);
    CHECK_THROWS_AS(http::require_followable("file:///etc/passwd", https_directory, "a"), Error);
    const std::string loopback_directory = "http://127.0.0.1:14000/dir";
    CHECK_NOTHROW(
        http::require_followable("http://127.0.0.1:14000/order/1", loopback_directory, "a"));
    CHECK_THROWS_AS(http::require_followable("http://ca.example/order/1", loopback_directory, "a"),
                    Error);
}
