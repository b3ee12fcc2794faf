#pragma once

#include "agent/custody/custody_client.h"

namespace hwacme::custody {

/// In the network process: the client to custody over `fd`, custody's socketpair end given to
/// it at the fork. Called once, right after the fork.
void become_network_process(int fd);

/// The client to custody in the network process; nullptr in custody and in a run in one
/// process.
const CustodyClient* network_client();

}  // namespace hwacme::custody
