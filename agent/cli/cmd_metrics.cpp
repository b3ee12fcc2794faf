#include <iostream>
#include <memory>

#include "agent/cli/command.h"
#include "agent/config/config.h"
#include "agent/service/ca_session.h"
#include "agent/service/metrics_output.h"

namespace hwacme::cli {
namespace {

/// "-" prints to stdout; empty: the configuration's metrics_file, else stdout.
void run_metrics(const service::RunOptions& command_line, const std::string& output) {
    auto config = config::load_config(command_line.config_path);
    auto text =
        service::metrics_text(config, service::managed_options(command_line, config).state_path());
    std::filesystem::path path =
        output.empty() ? config.metrics_file : std::filesystem::path(output);
    if (path.empty() || path == "-")
        std::cout << text;
    else
        service::write_metrics_file(path, text);
}

}  // namespace

void add_metrics_command(CLI::App& app, service::RunOptions& global, Commands& commands) {
    auto output = std::make_shared<std::string>();
    auto* metrics = app.add_subcommand(
        "metrics",
        "write the Prometheus text file of the managed certificates (expiry, next renewal, last "
        "attempt) for node_exporter's textfile collector; renew writes it after each run");
    metrics->add_option("--output", *output,
                        "the file to write atomically, or - for stdout (default: the "
                        "configuration's metrics_file, else stdout)");
    commands.push_back({metrics, [&global, output] { run_metrics(global, *output); }});
}

}  // namespace hwacme::cli
