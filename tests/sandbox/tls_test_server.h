#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "tests/support/process.h"

namespace hwacme::test {

/// `openssl s_server -www` on `address` and a free port, with a throwaway self-signed
/// certificate for 127.0.0.1, localhost and `extra_name`: GET / answers 200 and a status page.
/// The certificate is its own CA bundle. Stopped by the destructor.
class TlsTestServer {
public:
    TlsTestServer(const std::filesystem::path& dir, const std::string& address,
                  const std::string& extra_name = "localhost");

    const std::filesystem::path& ca_bundle() const { return certificate_; }
    std::uint16_t port() const { return port_; }

private:
    std::filesystem::path certificate_;
    std::uint16_t port_;
    Process process_;
};

}  // namespace hwacme::test
