#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string_view>

#include "agent/cli/command.h"
#include "agent/custody/custody_connection.h"
#include "agent/service/custody_run.h"
#include "common/core_dumps.h"
#include "common/error.h"
#include "common/log.h"
#include "common/terminal_text.h"

namespace {

/// Exit codes: 0 success, 1 an operation failed, 2 the command line is wrong.
constexpr int kFailure = 1;
constexpr int kUsage = 2;

void add_global_options(CLI::App& app, hwacme::service::RunOptions& global) {
    app.add_option("--server", global.server,
                   "ACME directory URL (default: Let's Encrypt production)")
        ->envname("HWACME_SERVER");
    app.add_option("--ca-bundle", global.ca_bundle,
                   "PEM file of roots to trust for the CA's TLS instead of the system store")
        ->envname("HWACME_CA_BUNDLE");
    app.add_option("--state-dir", global.state_dir,
                   "folder for account and order state (default /var/lib/hwacme for root, "
                   "~/.local/state/hwacme otherwise)")
        ->envname("HWACME_STATE_DIR");
    app.add_option("--config", global.config_path,
                   "configuration of managed certificates (default /etc/hwacme/hwacme.json)")
        ->envname("HWACME_CONFIG");
    app.add_option("--tcti", global.tcti, "TPM TCTI (default device:/dev/tpmrm0)")
        ->envname("HWACME_TCTI");
    app.add_flag("--tpm-flush-stale", global.tpm_flush_stale,
                 "on a TPM without a resource manager, flush the objects and sessions that "
                 "interrupted runs left, when no other hwacme run is connected; only where no "
                 "other program uses that TPM")
        ->envname("HWACME_TPM_FLUSH_STALE");
    app.add_flag("--allow-extractable", global.allow_extractable,
                 "accept hardware keys that the device would let leave it");
    app.add_flag("-v,--verbose", global.verbose, "log each request and more detail to stderr");
    app.add_flag("--single-process", global.single_process,
                 "keep keys and network in one process, without key custody or sandbox (for "
                 "debugging; the default runs the network work in a sandboxed process of its own)")
        ->envname("HWACME_SINGLE_PROCESS");
    app.add_flag("--require-sandbox", global.require_sandbox,
                 "fail when the kernel lacks a sandbox layer (no_new_privs, Landlock, seccomp) "
                 "instead of saying so and going on")
        ->envname("HWACME_REQUIRE_SANDBOX");
}

}  // namespace

int main(int argc, char** argv) {
    // Before any PIN, auth value or EAB key is read.
    std::string core_dumps = hwacme::forbid_core_dumps();
    // --json output is escaped the JSON way, so that it stays JSON.
    bool json_output = false;
    for (int i = 1; i < argc; ++i)
        json_output = json_output || std::string_view(argv[i]) == "--json";
    hwacme::TerminalSafeOutput safe_stdout(
        std::cout, json_output ? hwacme::EscapeStyle::Json : hwacme::EscapeStyle::Text);
    hwacme::service::RunOptions global;
    CLI::App app{
        "hwacme — an ACME client whose keys stay in PKCS#11 tokens, HSMs and TPMs.\n"
        "Key URIs: file:/path/key.pem, pkcs11:token=T;object=O?pin-source=file:/pin, "
        "tpm2:path=/path/key.tss2.pem or tpm2:handle=0x81000002"};
    app.set_version_flag("--version", "hwacme " HWACME_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    add_global_options(app, global);

    hwacme::cli::Commands commands;
    hwacme::cli::add_account_commands(app, global, commands);
    hwacme::cli::add_issue_command(app, global, commands);
    hwacme::cli::add_revoke_command(app, global, commands);
    hwacme::cli::add_key_commands(app, global, commands);
    hwacme::cli::add_order_commands(app, global, commands);
    hwacme::cli::add_config_commands(app, global, commands);
    hwacme::cli::add_renew_command(app, global, commands);
    hwacme::cli::add_status_commands(app, global, commands);
    hwacme::cli::add_snippet_command(app, global, commands);
    hwacme::cli::add_renewal_info_command(app, global, commands);
    hwacme::cli::add_metrics_command(app, global, commands);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);  // prints help, the version, or what is wrong with the line
        return code == 0 ? 0 : kUsage;
    }
    global.server_given = app.get_option("--server")->count() > 0;
    if (global.verbose) hwacme::log::set_level(hwacme::log::Level::Debug);
    if (!core_dumps.empty())
        hwacme::log::warning("hwacme: core dumps stay possible: " + core_dumps);
    try {
        for (const auto& command : commands) {
            if (!command.app->parsed()) continue;
            // Custody returns the network process's status; the network process goes on.
            if (command.custody_plan && !global.single_process)
                if (auto status = hwacme::service::run_as_custody(global, command.custody_plan()))
                    hwacme::custody::end_split_process(*status);
            command.run();
        }
        return hwacme::custody::end_network_process(0);
    } catch (const hwacme::Error& e) {
        hwacme::log::error(std::string("hwacme: ") + e.what());
    } catch (const std::exception& e) {
        hwacme::log::error(std::string("hwacme: internal error: ") + e.what());
    }
    return hwacme::custody::end_network_process(kFailure);
}
