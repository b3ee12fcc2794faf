#pragma once

#include "agent/custody/custody_client.h"

namespace hwacme::custody {

/// The variable through which custody tells the network process which descriptor is its end of
/// the socketpair.
inline constexpr const char* kCustodyFdVariable = "HWACME_CUSTODY_FD";

/// In the network process: the client to custody, made on the first call from
/// HWACME_CUSTODY_FD (which is then removed from the environment). nullptr in custody and in a
/// run in one process. Error{InvalidArgument} when the variable names no connected socket.
const CustodyClient* network_client();

}  // namespace hwacme::custody
