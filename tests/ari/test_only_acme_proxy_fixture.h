#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/cli/hwacme_runner.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/process.h"

namespace hwacme::test {

/// What the test-only proxy adds to Pebble, or breaks on purpose.
struct TestOnlyAcmeProxyOptions {
    /// Names offered in the directory's meta.profiles; none when empty.
    std::vector<std::string> profiles;
    /// Retry-After of the renewalInfo answers, in seconds; none when unset.
    std::optional<long> renewal_info_retry_after;
    /// The first `fail_new_order` newOrder requests are answered `fail_status` (503, or 429 with
    /// a rateLimited problem) without reaching Pebble, with Retry-After `fail_retry_after[i]` for
    /// the i-th (the last value for all after it), sent as written.
    int fail_new_order = 0;
    int fail_status = 503;
    std::vector<std::string> fail_retry_after{"1"};
    /// One way to misbehave (test_only_mischief.h), by name; none when empty.
    std::string mischief;
};

inline TestOnlyAcmeProxyOptions offering_profiles(std::vector<std::string> names) {
    TestOnlyAcmeProxyOptions options;
    options.profiles = std::move(names);
    return options;
}

inline TestOnlyAcmeProxyOptions renewal_info_retry_after(std::optional<long> seconds) {
    TestOnlyAcmeProxyOptions options;
    options.renewal_info_retry_after = seconds;
    return options;
}

inline TestOnlyAcmeProxyOptions failing_new_orders(int count, int status, long retry_after) {
    TestOnlyAcmeProxyOptions options;
    options.fail_new_order = count;
    options.fail_status = status;
    options.fail_retry_after = {std::to_string(retry_after)};
    return options;
}

/// The test-only-acme-proxy program, started on a free 127.0.0.1 port in front of `pebble`
/// with Pebble's own TLS certificate (so the fixture's tls_ca_path() trusts it too). The
/// constructor returns once the proxy serves its directory; the destructor stops it by its PID.
/// Not copyable; not thread-safe.
class TestOnlyAcmeProxy {
public:
    TestOnlyAcmeProxy(const PebbleFixture& pebble, const TestOnlyAcmeProxyOptions& options = {});

    /// e.g. https://127.0.0.1:40123/dir: the --server to give hwacme.
    const std::string& directory_url() const { return directory_url_; }
    pid_t pid() const { return process_.pid(); }

    /// What GET /renewal-info/<id> answers from now on.
    void write_renewal_info(const std::string& json) const;
    /// The newOrder payloads received so far, in order: injected failures included, those
    /// refused for a bad nonce (and so sent again) left out.
    std::vector<boost::json::object> new_orders() const;
    /// The ids asked at /renewal-info/ so far, in order.
    std::vector<std::string> renewal_info_ids() const;

private:
    std::vector<boost::json::object> records() const;

    TempDir dir_;
    Process process_;
    std::string directory_url_;
};

}  // namespace hwacme::test
