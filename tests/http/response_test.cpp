#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>

#include "agent/http/http_client.h"
#include "tests/http/canned_http_server.h"

using hwacme::http::parse_retry_after;
using hwacme::http::Response;
using namespace std::chrono_literals;

namespace {

std::chrono::system_clock::time_point utc(int year, int month, int day, int hour, int minute,
                                          int second) {
    std::tm fields{};
    fields.tm_year = year - 1900;
    fields.tm_mon = month - 1;
    fields.tm_mday = day;
    fields.tm_hour = hour;
    fields.tm_min = minute;
    fields.tm_sec = second;
    return std::chrono::system_clock::from_time_t(timegm(&fields));
}

}  // namespace

TEST_CASE("header lookup ignores case and headers_named keeps repeats in order", "[unit]") {
    Response response;
    response.headers = {{"replay-nonce", "abc"}, {"link", "<a>;rel=up"}, {"link", "<b>;rel=up"}};
    CHECK(response.header("Replay-Nonce") == "abc");
    CHECK_FALSE(response.header("location").has_value());
    CHECK(response.headers_named("LINK") == std::vector<std::string>{"<a>;rel=up", "<b>;rel=up"});
}

TEST_CASE("links are found across several Link headers and several links per header", "[unit]") {
    Response response;
    response.headers = {
        {"link",
         R"(<https://ca.test/cert/1/1>;rel="alternate", <https://ca.test/dir>;rel="index")"},
        {"link", "<https://ca.test/cert/1/2> ; rel=alternate"},
        {"link", R"(<https://ca.test/acct/1>; title="a, b; c"; rel="up")"},
    };
    CHECK(response.links("alternate") ==
          std::vector<std::string>{"https://ca.test/cert/1/1", "https://ca.test/cert/1/2"});
    CHECK(response.links("index") == std::vector<std::string>{"https://ca.test/dir"});
    CHECK(response.links("up") == std::vector<std::string>{"https://ca.test/acct/1"});
    CHECK(response.links("terms-of-service").empty());
}

TEST_CASE("a link with several relation types matches each of them, case-insensitively", "[unit]") {
    Response response;
    response.headers = {{"link", R"(<https://ca.test/x>; REL="up Alternate")"}};
    CHECK(response.links("alternate") == std::vector<std::string>{"https://ca.test/x"});
    CHECK(response.links("up") == std::vector<std::string>{"https://ca.test/x"});
    CHECK(response.links("alt").empty());
}

TEST_CASE("Retry-After in delta-seconds is taken as is", "[unit]") {
    CHECK(parse_retry_after("120") == 120s);
    CHECK(parse_retry_after(" 0 ") == 0s);
}

TEST_CASE("Retry-After as an HTTP-date gives the delay from now, past dates give zero", "[unit]") {
    auto now = utc(2015, 10, 21, 7, 0, 0);
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == 1680s);
    CHECK(parse_retry_after("Wed, 21 Oct 2015 06:28:00 GMT", now) == 0s);
    CHECK(parse_retry_after("Wednesday, 21-Oct-15 07:00:30 GMT", now) == 30s);
    CHECK(parse_retry_after("Wed Oct 21 07:01:00 2015", now) == 60s);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT") == 0s);
}

TEST_CASE("Retry-After that is neither seconds nor a date gives nothing", "[unit]") {
    CHECK_FALSE(parse_retry_after("").has_value());
    CHECK_FALSE(parse_retry_after("soon").has_value());
    CHECK_FALSE(parse_retry_after("-5").has_value());
    CHECK_FALSE(parse_retry_after("12abc").has_value());
    CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT trailing").has_value());
    CHECK_FALSE(parse_retry_after("+5").has_value());
}

TEST_CASE("client keeps only the final response's headers after an interim 1xx", "[unit]") {
    hwacme::test::CannedHttpServer server(
        "HTTP/1.1 100 Continue\r\n"
        "X-Interim: yes\r\n"
        "\r\n"
        "HTTP/1.1 201 Created\r\n"
        "Location:   https://ca.test/acct/1  \r\n"
        "Replay-Nonce: nonce-1\r\n"
        "Link: <https://ca.test/dir>;rel=\"index\"\r\n"
        "Link: <https://ca.test/tos>;rel=\"terms-of-service\"\r\n"
        "Content-Length: 2\r\n"
        "Connection: close\r\n"
        "\r\n"
        "{}");
    hwacme::http::ClientOptions options;
    options.total_timeout = 5s;
    hwacme::http::Client client(options);
    auto response = client.post(server.url(), "{}", "application/jose+json");
    CHECK(response.status == 201);
    CHECK(response.body == "{}");
    CHECK_FALSE(response.header("x-interim").has_value());
    CHECK(response.header("Location") == "https://ca.test/acct/1");
    CHECK(response.header("replay-nonce") == "nonce-1");
    CHECK(response.links("terms-of-service") == std::vector<std::string>{"https://ca.test/tos"});
    CHECK(response.headers.front().first == "location");
}

TEST_CASE("Retry-After is clamped to a day, however far the CA puts it", "[unit]") {
    CHECK(parse_retry_after("86400") == 86400s);
    CHECK(parse_retry_after("86401") == 86400s);
    CHECK(parse_retry_after("18446744074") == 86400s);
    CHECK(parse_retry_after("9223372036854775807") == 86400s);
    CHECK(parse_retry_after("99999999999999999999999") == 86400s);
    // Dates outside what a system_clock time point holds (1678-2262) neither overflow nor wrap.
    CHECK(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT") == 86400s);
    CHECK(parse_retry_after("Sat, 01 Jan 2300 00:00:00 GMT") == 86400s);
    CHECK(parse_retry_after("Mon, 01 Jan 1600 00:00:00 GMT") == 0s);
    CHECK(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT") == 0s);
}
