#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

#include "agent/service/custody_run.h"
#include "agent/service/run_options.h"

namespace hwacme::cli {

/// A command line verb: the CLI11 subcommand that parses it and what runs once parsing is done
/// (global options may follow the verb, so nothing runs before the whole line is read).
struct Command {
    CLI::App* app;
    std::function<void()> run;
    /// For a command that uses keys and the network: what its key custody process holds. The
    /// command then runs in two processes (custody_run.h) unless --single-process is given.
    std::function<service::CustodyPlan()> custody_plan = {};
};
using Commands = std::vector<Command>;

/// Adds a key type option (`--key-type`, or `--type` for `key generate`) that accepts the names
/// keystore understands and says which exist when given another.
CLI::Option* add_key_type_option(CLI::App& app, const std::string& name, keystore::KeyType& type,
                                 const std::string& what);

void add_account_commands(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_issue_command(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_revoke_command(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_key_commands(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_order_commands(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_config_commands(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_renew_command(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_status_commands(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_snippet_command(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_renewal_info_command(CLI::App& app, service::RunOptions& global, Commands& commands);
void add_metrics_command(CLI::App& app, service::RunOptions& global, Commands& commands);

}  // namespace hwacme::cli
