#include "common/error.h"

namespace hwacme {

std::string_view to_string(Errc code) noexcept {
    switch (code) {
        case Errc::InvalidArgument:
            return "invalid argument";
        case Errc::InvalidUri:
            return "invalid key URI";
        case Errc::NotFound:
            return "not found";
        case Errc::AlreadyExists:
            return "already exists";
        case Errc::Unsupported:
            return "unsupported";
        case Errc::NotImplemented:
            return "not implemented";
        case Errc::AuthFailed:
            return "authentication failed";
        case Errc::Custody:
            return "key custody";
        case Errc::DeviceFailure:
            return "device failure";
        case Errc::Crypto:
            return "crypto";
        case Errc::Network:
            return "network";
        case Errc::Protocol:
            return "ACME protocol";
        case Errc::Io:
            return "I/O";
    }
    return "unknown";
}

}  // namespace hwacme
