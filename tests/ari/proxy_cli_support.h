#pragma once

#include <openssl/pem.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "common/c_handle.h"
#include "tests/ari/test_only_acme_proxy_fixture.h"
#include "tests/cli/hwacme_runner.h"
#include "tests/support/pebble_fixture.h"

namespace hwacme::test {

/// Global options pointing hwacme at the test-only proxy in front of `pebble`.
inline std::vector<std::string> proxy_options(const TestOnlyAcmeProxy& proxy,
                                              const PebbleFixture& pebble, const TempDir& tmp) {
    return {"--server",    proxy.directory_url(),   "--ca-bundle", pebble.tls_ca_path().string(),
            "--state-dir", (tmp / "state").string()};
}

inline std::vector<std::string> join(std::vector<std::string> a,
                                     const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

/// `hwacme issue` of one name through the proxy, with http-01 answered on Pebble's port and an
/// account registered (or found) for tmp/account.pem.
inline CommandResult issue_through(const TestOnlyAcmeProxy& proxy, const PebbleFixture& pebble,
                                   const TempDir& tmp, const std::string& name,
                                   const std::string& out, std::vector<std::string> extra = {}) {
    return run_hwacme(
        join(join({"issue", "-d", name, "--key", "file:" + (tmp / "cert-key.pem").string(),
                   "--account-key", "file:" + (tmp / "account.pem").string(), "--agree-tos",
                   "--http-address", "127.0.0.1", "--http-port", std::to_string(pebble.http_port()),
                   "--out", (tmp / out).string()},
                  extra),
             proxy_options(proxy, pebble, tmp)));
}

/// The first certificate of a PEM file.
inline X509Ptr read_certificate(const std::filesystem::path& path) {
    BioPtr file(BIO_new_file(path.c_str(), "r"));
    REQUIRE(file);
    X509Ptr cert(PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr));
    REQUIRE(cert);
    return cert;
}

/// The last line of a command's stderr: where hwacme puts its one-line error.
inline std::string last_line(std::string text) {
    if (!text.empty() && text.back() == '\n') text.pop_back();
    auto newline = text.rfind('\n');
    return newline == std::string::npos ? text : text.substr(newline + 1);
}

}  // namespace hwacme::test
