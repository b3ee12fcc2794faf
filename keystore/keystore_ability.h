#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "keystore/key_uri.h"

namespace hwacme::keystore {

/// The ability a store was asked for, or Error{Unsupported} saying that the store `uri` lives in
/// cannot `what` ("list keys", …): callers that need an ability say so in one line.
template <class Ability>
Ability& require_ability(Ability* ability, const KeyUri& uri, std::string_view what) {
    if (!ability)
        throw Error(Errc::Unsupported, "the " + uri.scheme() + ": store cannot " +
                                           std::string(what) + " (" + uri.str() + ")");
    return *ability;
}

}  // namespace hwacme::keystore
