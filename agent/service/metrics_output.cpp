#include "agent/service/metrics_output.h"

#include "agent/manage/metrics.h"
#include "common/atomic_file.h"
#include "common/log.h"
#include "common/rfc3339.h"

namespace hwacme::service {
namespace {

/// The kind of device a key URI names: its scheme (file, pkcs11, tpm2).
std::string key_device(const std::string& key_uri) {
    return key_uri.substr(0, key_uri.find(':'));
}

}  // namespace

std::string metrics_text(const config::Config& config, const std::filesystem::path& state_dir) {
    std::vector<manage::CertificateMetrics> certificates;
    for (const auto& certificate : config.certificates) {
        auto state = manage::load_certificate_state(state_dir, certificate.name);
        std::string uri = state.current ? state.current->key_uri : certificate.key_uri;
        certificates.push_back({certificate.name, key_device(uri), std::move(state)});
    }
    return manage::render_metrics(certificates, manage::load_run_record(state_dir),
                                  system_seconds());
}

void write_metrics_file(const std::filesystem::path& path, const std::string& text) {
    write_file_atomic(path, text, 0644);
}

void publish_run_metrics(const config::Config& config, const std::filesystem::path& state_dir,
                         const manage::RunTally& tally) noexcept {
    try {
        manage::record_run(state_dir, tally, system_seconds());
        if (!config.metrics_file.empty())
            write_metrics_file(config.metrics_file, metrics_text(config, state_dir));
    } catch (const std::exception& e) {
        log::error(std::string("hwacme: metrics: ") + e.what());
    }
}

}  // namespace hwacme::service
