#pragma once

#include <functional>
#include <optional>

#include "common/error.h"

namespace hwacme::keystore::testing {

/// Runs `action` and returns the Errc of the hwacme::Error it threw, or nullopt when it did not
/// throw: tests compare categories, never message text alone.
inline std::optional<Errc> error_code_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const Error& e) {
        return e.code();
    }
    return std::nullopt;
}

}  // namespace hwacme::keystore::testing
