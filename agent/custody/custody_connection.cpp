#include "agent/custody/custody_connection.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace hwacme::custody {
namespace {

// A DNS hook or an RSA key generated in a TPM takes custody tens of seconds; a TPM 2.0 chip
// generating RSA-4096 may take minutes.
constexpr std::chrono::seconds kAnswerLimit{330};

std::unique_ptr<Link>& link_to_custody() {
    static std::unique_ptr<Link> the_link;
    return the_link;
}

std::unique_ptr<CustodyClient>& client() {
    static std::unique_ptr<CustodyClient> the_client;
    return the_client;
}

}  // namespace

void become_network_process(Link link) {
    link_to_custody() = std::make_unique<Link>(std::move(link));
    client() = std::make_unique<CustodyClient>(*link_to_custody(), kAnswerLimit);
}

const CustodyClient* network_client() {
    return client().get();
}

void end_split_process(int status) {
#if defined(__SANITIZE_ADDRESS__)
    std::exit(status);
#else
    std::fflush(nullptr);
    ::_exit(status);
#endif
}

int end_network_process(int status) {
    if (network_client()) end_split_process(status);
    return status;
}

}  // namespace hwacme::custody
