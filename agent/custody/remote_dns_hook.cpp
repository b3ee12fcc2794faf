#include "agent/custody/remote_dns_hook.h"

#include <algorithm>

#include "common/error.h"

namespace hwacme::custody {

ChildOutcome RemoteDnsHook::run(const std::string& action, const std::string& record,
                                const std::string& value,
                                std::optional<std::chrono::steady_clock::time_point> deadline) {
    auto left = std::chrono::seconds(kMaxHookSeconds);
    if (deadline)
        left =
            std::chrono::ceil<std::chrono::seconds>(*deadline - std::chrono::steady_clock::now());
    auto seconds =
        static_cast<std::uint32_t>(std::clamp<std::int64_t>(left.count(), 1, kMaxHookSeconds));
    auto reply = client_.ask(DnsHookRequest{action, record, value, seconds});
    const auto* hook = std::get_if<HookReply>(&reply);
    if (!hook)
        throw Error(Errc::Protocol, "key custody answered a DNS hook request with another reply");
    if (hook->succeeded) return {};
    // The hook failed: the outcome text is custody's description of how.
    throw Error(Errc::InvalidArgument, "the DNS hook " + program_ + " failed to " + action + " " +
                                           record + " (" + hook->outcome + ")");
}

}  // namespace hwacme::custody
