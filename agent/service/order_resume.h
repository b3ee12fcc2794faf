#pragma once

#include <optional>
#include <string>

#include "agent/acme/order.h"

namespace hwacme::service {

/// Where the order of an issuance under way is remembered, so that a rerun after a crash, a
/// Ctrl-C or a failed validation carries on with it instead of ordering again: a saved order of
/// the state folder for `issue`, the certificate's pending renewal for `renew`.
class OrderResume {
public:
    virtual ~OrderResume() = default;
    /// The order an earlier, interrupted run left; nullopt when there is none.
    virtual std::optional<std::string> saved_url() const = 0;
    /// Remembers the order as soon as it exists, before any challenge is answered.
    virtual void save(const acme::Order& order) = 0;
    /// The order needs no resuming any more: it was installed, or it can never succeed.
    virtual void forget() = 0;
};

}  // namespace hwacme::service
