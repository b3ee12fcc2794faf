#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "agent/service/run_options.h"
#include "keystore/keystore.h"

namespace hwacme::service {

/// What `key show` tells of a key: its store's custody facts, then what its public half is.
struct KeyReport {
    std::string uri;  ///< the store's own spelling when it gave one, else the URI as asked
    std::vector<std::pair<std::string, std::string>> facts;  ///< without the "uri" fact
    std::optional<std::string> refused;  ///< why the custody check refuses the key
    std::string type;                    // the rest is empty when refused
    std::string jwk_thumbprint;
    std::string spki_sha256;
    std::string public_key_pem;
};

/// The generated key's URI, as its store spells it, and its type.
std::pair<std::string, keystore::KeyType> generate_key(const RunOptions& options,
                                                       const keystore::KeyUri& uri,
                                                       keystore::KeyType type);

/// The keys of the folder, token or TPM `scope` names. Error{Unsupported} when its store cannot
/// list.
std::vector<keystore::KeyInfo> list_keys(const RunOptions& options, const keystore::KeyUri& scope);

/// Custody facts first (they matter most for a key the custody check refuses), then the public
/// half of a key that may be used.
KeyReport report_key(const RunOptions& options, const keystore::KeyUri& uri);

/// The custody facts of a key for a status report; a failure to read them (a token that is gone,
/// a TPM that does not answer) is itself the one fact, "error".
std::vector<std::pair<std::string, std::string>> custody_facts(const RunOptions& options,
                                                               const std::string& uri);

/// Destroys the key in its store. Error{NotFound} when there is none, Error{Unsupported} when its
/// store cannot destroy keys.
void delete_key(const RunOptions& options, const keystore::KeyUri& uri);

}  // namespace hwacme::service
