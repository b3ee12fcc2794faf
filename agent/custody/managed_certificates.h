#pragma once

#include <cstdint>
#include <string>

#include "agent/custody/key_plan.h"
#include "agent/custody/messages.h"

namespace hwacme::custody {

/// What custody may do for the managed certificates of a `renew` run beyond signing: which key
/// of each it may open or generate, which it may destroy, and their deploy hooks. Custody's own
/// reading of the configuration and of the state as the run began decides; nothing the network
/// process sends widens it. Every refusal is Error{Custody} naming the request.
class ManagedCertificates {
public:
    virtual ~ManagedCertificates() = default;

    /// Where the key of `generation` of `certificate` lives, when this run may use it.
    virtual KeySpec key_of(const std::string& certificate, std::uint32_t generation) const = 0;
    /// Throws unless `key_uri` may be destroyed now; `generated_now`: custody made it in this
    /// run.
    virtual void allow_destroy(const std::string& certificate, const std::string& key_uri,
                               bool generated_now) const = 0;
    /// Runs the deploy hook of `certificate` for its live release; how it ended.
    virtual HookReply deploy(const std::string& certificate) const = 0;
};

}  // namespace hwacme::custody
