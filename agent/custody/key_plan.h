#pragma once

#include <optional>

#include "keystore/key_type.h"
#include "keystore/key_uri.h"

namespace hwacme::custody {

/// Where one key of a run lives, and whether the run may make it there when it is missing.
struct KeySpec {
    keystore::KeyUri uri;
    keystore::KeyType type = keystore::KeyType::EcP256;  ///< for a key generated now
    bool may_generate = false;
};

/// The keys one run may use, by role, fixed from the command line and configuration before any
/// is opened: a role left empty is refused.
struct KeyPlan {
    std::optional<KeySpec> account = std::nullopt;
    std::optional<KeySpec> certificate = std::nullopt;
    std::optional<KeySpec> new_account_key = std::nullopt;
};

}  // namespace hwacme::custody
