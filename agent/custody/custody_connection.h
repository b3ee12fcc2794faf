#pragma once

#include "agent/custody/custody_client.h"

namespace hwacme::custody {

/// In the network process: the client to custody over `link`, the end given to it at the fork.
/// Called once, right after the fork.
void become_network_process(Link link);

/// The client to custody in the network process; nullptr in custody and in a run in one
/// process.
const CustodyClient* network_client();

/// Ends a process of a split run (custody once it has closed its keys and reaped the network
/// process, or the network process) with `status` at once, after flushing stdout and stderr.
/// Its exit handlers and the destructors of the 40-odd libraries would only copy pages the fork
/// write-protected (copy-on-write) to tear down what the kernel frees anyway; files were synced
/// when written. An AddressSanitizer build exits as usual, so that LeakSanitizer checks it.
[[noreturn]] void end_split_process(int status);

/// In a network process, end_split_process(status); elsewhere returns `status`.
int end_network_process(int status);

}  // namespace hwacme::custody
