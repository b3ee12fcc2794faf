#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "common/rfc3339.h"

namespace hwacme::manage {

/// The certificate that is live now, with the key it certifies.
struct InstalledCertificate {
    std::string serial_hex;
    std::string key_uri;
    unsigned key_generation = 0;  ///< 0 for a key of policy reuse
    TimePoint not_before;
    TimePoint not_after;
    std::string ari_id;  ///< RFC 9773 certificate identifier, for `replaces` and renewalInfo
    std::filesystem::path release_dir;
};

/// A renewal begun and not finished: saved before its key is generated and again once its
/// order exists, so a rerun after a crash carries on with the same key and order.
struct PendingRenewal {
    std::string key_uri;
    unsigned key_generation = 0;
    std::optional<std::string> order_url;
    TimePoint started;
};

/// A key rotated out of use, kept in its device until destroy_after.
struct RetiredKey {
    std::string key_uri;
    std::string serial_hex;  ///< the certificate it belonged to
    std::filesystem::path release_dir;
    TimePoint destroy_after;
};

struct HistoryEntry {
    TimePoint at;
    std::string serial_hex;
    std::string key_uri;
    TimePoint not_after;
};

/// Everything hwacme remembers of one managed certificate: <state>/certificates/<name>/state.json.
struct CertificateState {
    std::optional<InstalledCertificate> current;
    std::optional<PendingRenewal> pending;
    std::vector<RetiredKey> retired_keys;
    unsigned last_key_generation = 0;   ///< the highest generation ever used; never reused
    bool deploy_pending = false;        ///< the deploy hook has not succeeded for `current`
    std::optional<TimePoint> renew_at;  ///< the jittered time chosen for `current`
    std::optional<TimePoint> ari_checked_until;  ///< no renewalInfo request before this
    std::string last_error;             ///< of the last failed attempt; empty after success
    std::vector<HistoryEntry> history;  ///< newest last, at most 20 entries
};

/// How many history entries are kept: enough to see a pattern of failures, not a log.
inline constexpr std::size_t kHistoryLimit = 20;

/// Appends `entry` as the newest and drops the oldest beyond kHistoryLimit.
void append_history(CertificateState& state, HistoryEntry entry);

/// <state>/certificates/<name>/state.json. Error{InvalidArgument} for a name that is empty,
/// "." or "..", or holds a '/': it must not lead out of the certificates folder.
std::filesystem::path certificate_state_path(const std::filesystem::path& state_dir,
                                             const std::string& name);

/// The saved state, or an empty one when the certificate was never managed. Error{Io} naming the
/// file when it is unreadable or corrupt.
CertificateState load_certificate_state(const std::filesystem::path& state_dir,
                                        const std::string& name);

/// Saves atomically (temp file, fsync, rename, fsync of the folder), the file mode 0600 and new
/// folders mode 0700; only the newest kHistoryLimit history entries are written.
void save_certificate_state(const std::filesystem::path& state_dir, const std::string& name,
                            const CertificateState& state);

}  // namespace hwacme::manage
