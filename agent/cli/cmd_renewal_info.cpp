#include "agent/cli/command.h"

namespace hwacme::cli {

void add_renewal_info_command(CLI::App&, GlobalOptions&, Commands&) {}

}  // namespace hwacme::cli
