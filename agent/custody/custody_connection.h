#pragma once

#include "agent/custody/custody_client.h"

namespace hwacme::custody {

/// In the network process: the client to custody over `fd`, custody's socketpair end given to
/// it at the fork. Called once, right after the fork.
void become_network_process(int fd);

/// The client to custody in the network process; nullptr in custody and in a run in one
/// process.
const CustodyClient* network_client();

/// In a network process: flushes stdout and stderr and ends the process with `status` at once.
/// Its exit handlers and the destructors of the 40-odd libraries it shares with custody would
/// only copy pages custody still maps (copy-on-write after the fork) to tear down what the
/// kernel frees anyway; files it wrote were synced when written. Elsewhere returns `status`.
/// An AddressSanitizer build exits as usual, so that LeakSanitizer checks the network process.
int end_network_process(int status);

}  // namespace hwacme::custody
