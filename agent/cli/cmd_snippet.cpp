#include "agent/cli/command.h"

namespace hwacme::cli {

void add_snippet_command(CLI::App&, GlobalOptions&, Commands&) {}

}  // namespace hwacme::cli
