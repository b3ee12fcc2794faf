#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "common/rfc3339.h"

namespace hwacme::manage {

/// How the last `renew` pass over one certificate ended: a pass that found nothing due and
/// failed at nothing (deploy hook, key clean-up) succeeded too.
struct Attempt {
    TimePoint at;
    bool succeeded = false;
};

/// What the last `renew` run did, kept for the metrics file (<state>/last-run.json), which
/// `hwacme metrics` writes again between runs without losing it.
struct RunRecord {
    TimePoint finished;
    unsigned renewed = 0;  ///< certificates issued and installed in that run
    unsigned failed = 0;
    /// Per certificate name, its last attempt in any run: a `renew --cert NAME` run keeps the
    /// others' from earlier runs.
    std::map<std::string, Attempt> attempts;
};

/// What one run did to each certificate it went over. Made before the run, it notes the serial
/// each certificate has then, so a certificate counts as renewed when its serial changed.
class RunTally {
public:
    explicit RunTally(const std::filesystem::path& state_dir);
    void add(const std::string& name, bool succeeded) { outcomes_[name] = succeeded; }
    const std::map<std::string, bool>& outcomes() const { return outcomes_; }
    /// The serial `name` had before the run; empty when it had none.
    std::string serial_before(const std::string& name) const;

private:
    std::map<std::string, std::string> serials_before_;
    std::map<std::string, bool> outcomes_;
};

/// The record of the last run; nullopt when `renew` never finished a run with this state.
/// Error{Io} naming the file when it is unreadable or corrupt.
std::optional<RunRecord> load_run_record(const std::filesystem::path& state_dir);

/// Merges a finished run into the saved record and saves it atomically (mode 0600).
RunRecord record_run(const std::filesystem::path& state_dir, const RunTally& tally,
                     TimePoint finished);

}  // namespace hwacme::manage
