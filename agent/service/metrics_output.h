#pragma once

#include <filesystem>
#include <string>

#include "agent/config/config.h"
#include "agent/manage/run_record.h"

namespace hwacme::service {

/// The Prometheus text of every certificate of `config`, from the saved states and the last
/// run's record in `state_dir` (manage/metrics.h). Reads without the state lock: every state
/// write is one rename.
std::string metrics_text(const config::Config& config, const std::filesystem::path& state_dir);

/// Writes `text` to `path` atomically (temp file in the same folder, rename), mode 0644 so that
/// node_exporter, which runs as its own user, can read it.
void write_metrics_file(const std::filesystem::path& path, const std::string& text);

/// After a renew run: saves the run's record, then writes the configuration's metrics_file
/// when it names one. A failure is logged, not thrown: the run's own outcome stands, and a
/// stale hwacme_renew_last_run_timestamp_seconds tells monitoring.
void publish_run_metrics(const config::Config& config, const std::filesystem::path& state_dir,
                         const manage::RunTally& tally) noexcept;

}  // namespace hwacme::service
