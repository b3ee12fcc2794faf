#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/manage/certificate_state.h"
#include "agent/manage/run_record.h"

namespace hwacme::manage {

/// One managed certificate as the metrics show it.
struct CertificateMetrics {
    std::string name;
    std::string key_device;  ///< the key URI's scheme: file, pkcs11, tpm2
    CertificateState state;
};

/// The Prometheus text exposition format (version 0.0.4) for node_exporter's textfile
/// collector: per certificate its expiry, seconds until the next renewal and its last attempt,
/// labelled with its name and key device; per run the certificates renewed and failed.
/// Series without a value (no certificate yet, no run yet) are left out, not written as 0.
std::string render_metrics(const std::vector<CertificateMetrics>& certificates,
                           const std::optional<RunRecord>& last_run, TimePoint now);

/// A label value as the text format quotes it: backslash, double quote and line feed escaped.
std::string escape_label_value(std::string_view value);

}  // namespace hwacme::manage
