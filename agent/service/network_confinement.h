#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "agent/config/config.h"
#include "agent/service/run_options.h"

namespace hwacme::service {

/// What one command's network process touches besides the CA and the state folder.
struct NetworkNeeds {
    std::vector<std::filesystem::path> read_only = {};   ///< e.g. the --replaces certificate
    std::vector<std::filesystem::path> read_write = {};  ///< output folders, an http-01 webroot
    std::vector<std::uint16_t> bind_ports = {};          ///< the challenge servers' ports
};

/// Adds what the challenge of `challenge` touches: an http-01 webroot (and the folder a trusted
/// challenge-folder link there leads to), or the port of the built-in server.
void add_challenge_needs(const config::ChallengeConfig& challenge, NetworkNeeds& needs);

/// In a network process (one that key custody started), confines it for the rest of its life:
/// no_new_privs, Landlock to the state folder, the CA bundle and `needs`, connections only to
/// the CA's port (and 80/443), and the seccomp allow-list. Folders to be written are made first,
/// since Landlock grants only what exists. Says once what holds and what the kernel lacks; with
/// --require-sandbox a missing layer is an Error{Unsupported}. Elsewhere it does nothing.
/// Call it before the first byte from the network is read, while the process has one thread;
/// the first call confines, later ones do nothing (AcmeContext calls it without needs for the
/// commands that have none).
void confine_network_process(const RunOptions& options, const NetworkNeeds& needs);

}  // namespace hwacme::service
