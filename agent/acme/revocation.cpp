#include "agent/acme/revocation.h"

#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <utility>

#include "common/base64url.h"
#include "common/error.h"

namespace hwacme::acme {
namespace {

constexpr std::array<std::pair<std::string_view, int>, 10> kReasons{{
    {"unspecified", 0},
    {"keyCompromise", 1},
    {"cACompromise", 2},
    {"affiliationChanged", 3},
    {"superseded", 4},
    {"cessationOfOperation", 5},
    {"certificateHold", 6},
    {"removeFromCRL", 8},
    {"privilegeWithdrawn", 9},
    {"aACompromise", 10},
}};

}  // namespace

int parse_revocation_reason(std::string_view text) {
    for (auto& [name, code] : kReasons)
        if (name == text) return code;
    int code = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
    if (ec == std::errc() && end == text.data() + text.size())
        for (auto& [name, known] : kReasons)
            if (known == code) return code;
    std::string names;
    for (auto& [name, c] : kReasons) names += (names.empty() ? "" : ", ") + std::string(name);
    throw Error(Errc::InvalidArgument,
                "unknown revocation reason '" + std::string(text) + "' (known: " + names + ")");
}

std::string revocation_payload(ByteView certificate_der, std::optional<int> reason) {
    boost::json::object payload{{"certificate", base64url_encode(certificate_der)}};
    if (reason) payload["reason"] = *reason;
    return boost::json::serialize(payload);
}

void revoke_certificate(Client& acme, ByteView certificate_der, std::optional<int> reason,
                        const signing::RequestSigner& signing_key,
                        const std::optional<std::string>& account_url) {
    auto response =
        acme.post(acme.directory().revoke_cert, revocation_payload(certificate_der, reason),
                  signing_key, account_url);
    require_success(response, "revocation (revokeCert)");
}

}  // namespace hwacme::acme
