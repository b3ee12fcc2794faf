#include "agent/manage/metrics.h"

#include "agent/manage/renewal_schedule.h"

namespace hwacme::manage {
namespace {

std::int64_t unix_seconds(TimePoint time) {
    return time.time_since_epoch().count();
}

/// One metric family: its HELP and TYPE lines, then one sample per labelled value.
class Family {
public:
    Family(std::string name, std::string_view help) : name_(std::move(name)) {
        text_ = "# HELP " + name_ + " " + std::string(help) + "\n# TYPE " + name_ + " gauge\n";
    }
    void add(const CertificateMetrics& certificate, std::int64_t value) {
        text_ += name_ + "{certificate=\"" + escape_label_value(certificate.name) +
                 "\",key_device=\"" + escape_label_value(certificate.key_device) + "\"} " +
                 std::to_string(value) + "\n";
        ++samples_;
    }
    void add(std::int64_t value) {
        text_ += name_ + " " + std::to_string(value) + "\n";
        ++samples_;
    }
    /// The family's text; nothing for a family without samples (the format allows HELP alone,
    /// but an empty family only adds noise).
    std::string text() const { return samples_ ? text_ : std::string(); }

private:
    std::string name_;
    std::string text_;
    unsigned samples_ = 0;
};

}  // namespace

std::string escape_label_value(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string render_metrics(const std::vector<CertificateMetrics>& certificates,
                           const std::optional<RunRecord>& last_run, TimePoint now) {
    Family not_after("hwacme_certificate_not_after_timestamp_seconds",
                     "When the live certificate expires, in seconds since the Unix epoch.");
    Family next_renewal("hwacme_certificate_next_renewal_seconds",
                        "Seconds until the certificate is due for renewal; 0 or less: due now.");
    Family attempt_time("hwacme_certificate_last_attempt_timestamp_seconds",
                        "When the last renew run went over the certificate.");
    Family attempt_success("hwacme_certificate_last_attempt_success",
                           "1 when the last renew run's pass over the certificate succeeded "
                           "(renewed, or nothing due), 0 when it failed.");
    for (const auto& certificate : certificates) {
        if (certificate.state.current)
            not_after.add(certificate, unix_seconds(certificate.state.current->not_after));
        auto decision = decide_renewal(certificate.state, now, false);
        next_renewal.add(certificate, decision.renew_at ? (*decision.renew_at - now).count() : 0);
        if (!last_run) continue;
        auto attempt = last_run->attempts.find(certificate.name);
        if (attempt == last_run->attempts.end()) continue;
        attempt_time.add(certificate, unix_seconds(attempt->second.at));
        attempt_success.add(certificate, attempt->second.succeeded ? 1 : 0);
    }
    Family run_time("hwacme_renew_last_run_timestamp_seconds", "When the last renew run finished.");
    Family run_renewed("hwacme_renew_last_run_renewed_certificates",
                       "Certificates the last renew run issued and installed.");
    Family run_failed("hwacme_renew_last_run_failed_certificates",
                      "Certificates whose pass failed in the last renew run.");
    if (last_run) {
        run_time.add(unix_seconds(last_run->finished));
        run_renewed.add(last_run->renewed);
        run_failed.add(last_run->failed);
    }
    return not_after.text() + next_renewal.text() + attempt_time.text() + attempt_success.text() +
           run_time.text() + run_renewed.text() + run_failed.text();
}

}  // namespace hwacme::manage
