#include "tests/ari/test_only_acme_proxy_fixture.h"

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "agent/http/http_client.h"
#include "common/error.h"

namespace hwacme::test {
namespace {

using namespace std::chrono_literals;

constexpr auto kStartTimeout = 30s;

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> proxy_argv(const PebbleFixture& pebble, const TempDir& dir,
                                    const TestOnlyAcmeProxyOptions& options) {
    std::vector<std::string> argv{TEST_ONLY_ACME_PROXY,
                                  "--upstream",
                                  pebble.directory_url(),
                                  "--upstream-ca",
                                  pebble.tls_ca_path().string(),
                                  "--cert",
                                  (pebble.dir() / "server.pem").string(),
                                  "--key",
                                  (pebble.dir() / "server.key").string(),
                                  "--port-file",
                                  (dir / "port").string(),
                                  "--record-file",
                                  (dir / "record.jsonl").string(),
                                  "--renewal-info-file",
                                  (dir / "renewal-info.json").string()};
    if (options.renewal_info_retry_after) {
        argv.insert(argv.end(), {"--renewal-info-retry-after",
                                 std::to_string(*options.renewal_info_retry_after)});
    }
    if (!options.profiles.empty()) {
        std::string names;
        for (const auto& name : options.profiles) names += (names.empty() ? "" : ",") + name;
        argv.insert(argv.end(), {"--profiles", names});
    }
    if (options.fail_new_order > 0) {
        argv.insert(argv.end(), {"--fail-new-order", std::to_string(options.fail_new_order),
                                 "--fail-status", std::to_string(options.fail_status)});
        for (const auto& value : options.fail_retry_after)
            argv.insert(argv.end(), {"--fail-retry-after", value});
    }
    if (!options.mischief.empty()) argv.insert(argv.end(), {"--mischief", options.mischief});
    return argv;
}

ProcessOptions logged_to(const TempDir& dir) {
    ProcessOptions options;
    options.stdout_path = dir / "proxy.log";
    options.stderr_path = dir / "proxy.log";
    return options;
}

}  // namespace

TestOnlyAcmeProxy::TestOnlyAcmeProxy(const PebbleFixture& pebble,
                                     const TestOnlyAcmeProxyOptions& options)
    : dir_("hwacme-test-only-proxy"), process_(proxy_argv(pebble, dir_, options), logged_to(dir_)) {
    // The port file appears once the proxy listens; its exit before then is a start-up failure.
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (!std::filesystem::exists(dir_ / "port")) {
        if (auto code = process_.wait_for_exit(10ms))
            throw Error(Errc::Io, "test-only-acme-proxy exited with " + std::to_string(*code) +
                                      ": " + slurp(dir_ / "proxy.log"));
        if (std::chrono::steady_clock::now() > deadline)
            throw Error(Errc::Io,
                        "test-only-acme-proxy did not start: " + slurp(dir_ / "proxy.log"));
    }
    directory_url_ =
        "https://127.0.0.1:" + std::to_string(std::stoi(slurp(dir_ / "port"))) + "/dir";
    // It answers: the directory comes back from Pebble, with the renewalInfo the proxy adds.
    http::ClientOptions client_options;
    client_options.ca_bundle = pebble.tls_ca_path().string();
    http::Client client(client_options);
    auto response = client.get(directory_url_);
    if (response.status != 200 || response.body.find("renewalInfo") == std::string::npos)
        throw Error(Errc::Io, "test-only-acme-proxy answered HTTP " +
                                  std::to_string(response.status) + ": " + response.body);
}

void TestOnlyAcmeProxy::write_renewal_info(const std::string& json) const {
    std::ofstream(dir_ / "renewal-info.json.tmp") << json;
    std::filesystem::rename(dir_ / "renewal-info.json.tmp", dir_ / "renewal-info.json");
}

std::vector<boost::json::object> TestOnlyAcmeProxy::records() const {
    std::vector<boost::json::object> lines;
    std::ifstream in(dir_ / "record.jsonl");
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) lines.push_back(boost::json::parse(line).as_object());
    return lines;
}

std::vector<boost::json::object> TestOnlyAcmeProxy::new_orders() const {
    std::vector<boost::json::object> orders;
    for (const auto& line : records()) {
        const auto* order = line.if_contains("newOrder");
        if (order && !line.at("badNonce").as_bool()) orders.push_back(order->as_object());
    }
    return orders;
}

std::vector<std::string> TestOnlyAcmeProxy::renewal_info_ids() const {
    std::vector<std::string> ids;
    for (const auto& line : records())
        if (const auto* id = line.if_contains("renewalInfo")) ids.emplace_back(id->as_string());
    return ids;
}

}  // namespace hwacme::test
