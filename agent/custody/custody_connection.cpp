#include "agent/custody/custody_connection.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

namespace hwacme::custody {
namespace {

// A DNS hook or an RSA key generated in a TPM takes custody tens of seconds; a TPM 2.0 chip
// generating RSA-4096 may take minutes.
constexpr std::chrono::seconds kAnswerLimit{330};

std::unique_ptr<CustodyClient>& client() {
    static std::unique_ptr<CustodyClient> the_client;
    return the_client;
}

}  // namespace

void become_network_process(int fd) {
    client() = std::make_unique<CustodyClient>(fd, kAnswerLimit);
}

const CustodyClient* network_client() {
    return client().get();
}

int end_network_process(int status) {
#if defined(__SANITIZE_ADDRESS__)
    return status;
#else
    if (!network_client()) return status;
    std::fflush(nullptr);
    ::_exit(status);
#endif
}

}  // namespace hwacme::custody
