// `renew` writes the configured Prometheus text file at the end of each run, atomically, with
// what the run and the saved states say; `hwacme metrics` writes the same between runs.
#include <catch2/catch.hpp>

#include "common/rfc3339.h"
#include "tests/renew/renew_support.h"
#include "tests/support/promtool.h"

using namespace hwacme;
using namespace hwacme::test;
using namespace hwacme::test::renew;

namespace {

/// Adds "metrics_file" to a configuration written by write_config.
void set_metrics_file(const fs::path& config, const fs::path& metrics_file) {
    boost::json::parse_options options;
    options.allow_comments = true;
    auto parsed = boost::json::parse(slurp(config), {}, options).as_object();
    parsed["metrics_file"] = metrics_file.string();
    write_text(config, boost::json::serialize(parsed));
}

/// The value of the one sample of `metric` for a certificate (a file key), or of the run.
std::string sample(const std::string& text, const std::string& metric,
                   const std::string& certificate = "") {
    std::string head =
        metric +
        (certificate.empty() ? " " : "{certificate=\"" + certificate + "\",key_device=\"file\"} ");
    auto at = text.find("\n" + head);
    INFO(text);
    REQUIRE(at != std::string::npos);
    at += 1 + head.size();
    return text.substr(at, text.find('\n', at) - at);
}

}  // namespace

TEST_CASE("renew writes the metrics file with each certificate's expiry and the run's outcome",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-renew-metrics");
    fs::create_directories(tmp / "keys");
    fs::create_directories(tmp / "textfile");
    std::vector<ManagedCertificate> certificates{
        failing_certificate(tmp.path()),
        {.name = "good",
         .identifiers = {"good.example.com"},
         .key = "file:" + (tmp / "keys").string() + "/good-{generation}.pem",
         .challenge = http01(pebble),
         .output_dir = tmp / "out" / "good"}};
    auto config = write_config(tmp.path(), pebble, certificates);
    const auto metrics_file = tmp / "textfile" / "hwacme.prom";
    set_metrics_file(config, metrics_file);

    auto run = run_configured(config, {"renew"});
    INFO("renew stderr: " << run.stderr_text);
    REQUIRE(run.exit_code == 1);
    // The file alone in its folder: the temp file it was written through is gone.
    CHECK(files_in(tmp / "textfile") == std::set<std::string>{"hwacme.prom"});
    CHECK((fs::status(metrics_file).permissions() & fs::perms::others_read) != fs::perms::none);
    require_promtool_accepts(metrics_file);
    auto metrics = slurp(metrics_file);
    auto states = status_of(config);
    auto not_after = parse_rfc3339(text(states["good"].at("not_after")));
    REQUIRE(not_after);
    CHECK(sample(metrics, "hwacme_certificate_not_after_timestamp_seconds", "good") ==
          std::to_string(not_after->time_since_epoch().count()));
    CHECK(sample(metrics, "hwacme_certificate_last_attempt_success", "good") == "1");
    CHECK(sample(metrics, "hwacme_certificate_last_attempt_success", "broken") == "0");
    CHECK(std::stoll(sample(metrics, "hwacme_certificate_next_renewal_seconds", "good")) > 0);
    CHECK(sample(metrics, "hwacme_certificate_next_renewal_seconds", "broken") == "0");
    CHECK(sample(metrics, "hwacme_renew_last_run_renewed_certificates") == "1");
    CHECK(sample(metrics, "hwacme_renew_last_run_failed_certificates") == "1");

    // A run over one certificate keeps the other's last attempt, and counts only its own.
    auto again = run_configured(config, {"renew", "--cert", "good"});
    INFO("second renew stderr: " << again.stderr_text);
    REQUIRE(again.exit_code == 0);
    metrics = slurp(metrics_file);
    CHECK(sample(metrics, "hwacme_certificate_last_attempt_success", "broken") == "0");
    CHECK(sample(metrics, "hwacme_renew_last_run_renewed_certificates") == "0");
    CHECK(sample(metrics, "hwacme_renew_last_run_failed_certificates") == "0");

    // `hwacme metrics` prints the same between runs.
    auto printed = run_configured(config, {"metrics", "--output", "-"});
    INFO("metrics stderr: " << printed.stderr_text);
    REQUIRE(printed.exit_code == 0);
    CHECK(sample(printed.stdout_text, "hwacme_certificate_not_after_timestamp_seconds", "good") ==
          std::to_string(not_after->time_since_epoch().count()));
    CHECK(sample(printed.stdout_text, "hwacme_renew_last_run_timestamp_seconds") ==
          sample(metrics, "hwacme_renew_last_run_timestamp_seconds"));
}
