#include "agent/cli/command.h"

namespace hwacme::cli {

void add_config_commands(CLI::App&, GlobalOptions&, Commands&) {}

}  // namespace hwacme::cli
