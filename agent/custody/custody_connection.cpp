#include "agent/custody/custody_connection.h"

#include <sys/stat.h>

#include <charconv>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "common/error.h"

namespace hwacme::custody {
namespace {

// A DNS hook or an RSA key generated in a TPM takes custody tens of seconds; a TPM 2.0 chip
// generating RSA-4096 may take minutes.
constexpr std::chrono::seconds kAnswerLimit{330};

std::unique_ptr<CustodyClient> connect_from_environment() {
    const char* value = std::getenv(kCustodyFdVariable);
    if (!value) return nullptr;
    std::string_view text(value);
    int fd = -1;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), fd);
    struct stat info {};
    if (error != std::errc{} || end != text.data() + text.size() || fd < 3 ||
        ::fstat(fd, &info) != 0 || !S_ISSOCK(info.st_mode))
        throw Error(Errc::InvalidArgument, std::string(kCustodyFdVariable) + "=" +
                                               std::string(text.substr(0, 16)) +
                                               " names no socket from a key custody process");
    ::unsetenv(kCustodyFdVariable);
    return std::make_unique<CustodyClient>(fd, kAnswerLimit);
}

}  // namespace

const CustodyClient* network_client() {
    static const std::unique_ptr<CustodyClient> client = connect_from_environment();
    return client.get();
}

}  // namespace hwacme::custody
