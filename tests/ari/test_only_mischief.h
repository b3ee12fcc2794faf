#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "tests/ari/test_only_upstream.h"

namespace hwacme::test {

/// The ways a hostile CA (or whoever answers in its name) can misbehave, one at a time: what no
/// real CA produces on demand. TEST-ONLY, for the test-only ACME proxy.
enum class Mischief {
    HugeDirectory,           ///< a directory body of 32 MiB
    HeaderFlood,             ///< a directory answer with 100 KiB of headers
    PlainHttpNewOrder,       ///< a directory whose newOrder is an http:// URL
    UnorderedAuthorization,  ///< authorizations for victim.example.org, which nobody ordered
    InjectedAuthorization,   ///< an authorization identifier carrying DNS update commands
    TerminalEscapes,         ///< newOrder refused with a problem detail that clears the screen
    SilentNonce,             ///< newNonce never answers
    // For key custody's policy (the CA's origin is https://127.0.0.1:PORT; localhost:PORT is the
    // same server under another origin, so only the policy stops a request there):
    ForeignNewOrder,     ///< a directory whose newOrder is on https://localhost:PORT
    ForeignFinalize,     ///< an order whose finalize URL is on https://localhost:PORT
    ForeignCertificate,  ///< a valid order whose certificate URL is on https://localhost:PORT
    AddedIdentifier,     ///< an order that lists victim.example.org beside what was ordered
};

/// The mischief of that name ("huge-directory", …); nullopt for an unknown name.
std::optional<Mischief> parse_mischief(std::string_view name);

/// Rewrites the proxy's answers the way one Mischief asks. The first directory answer is left
/// honest: it is the fixture's probe that the proxy is up. Thread-safe.
class MischiefMaker {
public:
    MischiefMaker(Mischief mischief, std::string directory_path, std::string new_nonce_path,
                  std::string new_order_path);

    /// Changes `response`, the answer to `request` (host: the Host the client used).
    void apply(const ProxyRequest& request, const std::string& host, ProxyResponse& response);

private:
    void directory(const std::string& host, ProxyResponse& response);
    void authorization(ProxyResponse& response) const;
    void order(ProxyResponse& response) const;

    Mischief mischief_;
    std::string directory_path_;
    std::string new_nonce_path_;
    std::string new_order_path_;
    std::atomic<int> directories_served_{0};
};

}  // namespace hwacme::test
