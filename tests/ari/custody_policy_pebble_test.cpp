// Key custody's signing policy against a CA that sends the run elsewhere (the test-only proxy's
// mischief in front of a real Pebble). https://localhost:PORT is the same server as the CA's
// https://127.0.0.1:PORT under another origin: without the policy the request would go there
// and succeed. Each run must end with exit 1 and one line naming the refused request, and no
// certificate.

#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/ari/proxy_cli_support.h"

using namespace hwacme::test;

namespace {

TestOnlyAcmeProxyOptions misbehaving(std::string mischief) {
    TestOnlyAcmeProxyOptions options;
    options.mischief = std::move(mischief);
    return options;
}

void check_refused(const CommandResult& result, const std::string& cause) {
    INFO(result.stderr_text);
    CHECK(result.exit_code == 1);
    CHECK_THAT(last_line(result.stderr_text), Catch::StartsWith("hwacme: "));
    CHECK_THAT(last_line(result.stderr_text), Catch::Contains(cause));
}

}  // namespace

TEST_CASE("custody signs no request to an origin other than the CA directory's", "[pebble]") {
    PebbleFixture pebble;
    // The name of each mischief and the request it sends elsewhere.
    auto [mischief, refused] = GENERATE(table<std::string, std::string>({
        {"foreign-new-order", "/order-plz"},
        {"foreign-finalize", "/finalize-order/"},
        {"foreign-certificate", "/certZ/"},
    }));
    INFO(mischief);
    TestOnlyAcmeProxy proxy(pebble, misbehaving(mischief));
    TempDir tmp("hwacme-custody-origin");
    auto name = mischief + ".custody.example.com";
    auto result = issue_through(proxy, pebble, tmp, name, "out");
    check_refused(result, "key custody refused to sign a request to 'https://localhost:");
    CHECK_THAT(last_line(result.stderr_text), Catch::Contains(refused));
    CHECK_THAT(last_line(result.stderr_text),
               Catch::Contains("not on the CA's origin https://127.0.0.1:"));
    CHECK_FALSE(std::filesystem::exists(tmp / "out" / "cert.pem"));
}

TEST_CASE("an order that adds an identifier gets no CSR signed", "[pebble]") {
    PebbleFixture pebble;
    TestOnlyAcmeProxy proxy(pebble, misbehaving("added-identifier"));
    TempDir tmp("hwacme-custody-names");
    auto result = issue_through(proxy, pebble, tmp, "added.custody.example.com", "out");
    check_refused(result, "victim.example.org");
    CHECK_FALSE(std::filesystem::exists(tmp / "out" / "cert.pem"));
}
