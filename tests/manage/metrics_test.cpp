// The Prometheus text that `renew` and `hwacme metrics` write: values from the saved state,
// label values escaped as the text format says, accepted by promtool.
#include "agent/manage/metrics.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/promtool.h"
#include "tests/support/slurp.h"
#include "tests/support/temp_dir.h"

using namespace hwacme;
using namespace hwacme::manage;
using namespace std::chrono;

namespace {

const TimePoint kNow = sys_days(2026y / 3 / 1);

CertificateMetrics issued(std::string name, std::string device, TimePoint not_after,
                          TimePoint renew_at) {
    CertificateMetrics certificate{std::move(name), std::move(device), {}};
    certificate.state.current = InstalledCertificate{.serial_hex = "01",
                                                     .key_uri = "file:/k.pem",
                                                     .key_generation = 0,
                                                     .not_before = not_after - days(90),
                                                     .not_after = not_after,
                                                     .ari_id = "",
                                                     .release_dir = "/r"};
    certificate.state.renew_at = renew_at;
    return certificate;
}

std::string write(const test::TempDir& tmp, const std::string& text) {
    auto path = tmp / "hwacme.prom";
    std::ofstream(path) << text;
    return path.string();
}

}  // namespace

TEST_CASE("label values escape backslash double quote and line feed", "[unit]") {
    CHECK(escape_label_value("plain-name_1.x") == "plain-name_1.x");
    CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
}

TEST_CASE("metrics give expiry next renewal last attempt and the run's counts", "[unit]") {
    auto www = issued("www", "pkcs11", kNow + days(40), kNow + days(10));
    CertificateMetrics fresh{"fresh", "tpm2", {}};
    RunRecord run{
        .finished = kNow - hours(1),
        .renewed = 1,
        .failed = 1,
        .attempts = {{"www", {kNow - hours(1), true}}, {"fresh", {kNow - hours(1), false}}}};
    auto text = render_metrics({www, fresh}, run, kNow);
    const std::string www_labels = "{certificate=\"www\",key_device=\"pkcs11\"} ";
    const std::string fresh_labels = "{certificate=\"fresh\",key_device=\"tpm2\"} ";
    auto not_after = duration_cast<seconds>((kNow + days(40)).time_since_epoch()).count();
    auto attempted = duration_cast<seconds>((kNow - hours(1)).time_since_epoch()).count();
    CHECK_THAT(text, Catch::Contains("\nhwacme_certificate_not_after_timestamp_seconds" +
                                     www_labels + std::to_string(not_after) + "\n"));
    CHECK_THAT(text, Catch::Contains("\nhwacme_certificate_next_renewal_seconds" + www_labels +
                                     std::to_string(10 * 86400) + "\n"));
    CHECK_THAT(text,
               Catch::Contains("\nhwacme_certificate_last_attempt_success" + www_labels + "1\n"));
    CHECK_THAT(text,
               Catch::Contains("\nhwacme_certificate_last_attempt_success" + fresh_labels + "0\n"));
    CHECK_THAT(text, Catch::Contains("\nhwacme_certificate_last_attempt_timestamp_seconds" +
                                     fresh_labels + std::to_string(attempted) + "\n"));
    // Never issued: no expiry to show, and due now.
    CHECK_THAT(text,
               !Catch::Contains("hwacme_certificate_not_after_timestamp_seconds" + fresh_labels));
    CHECK_THAT(text,
               Catch::Contains("\nhwacme_certificate_next_renewal_seconds" + fresh_labels + "0\n"));
    CHECK_THAT(text, Catch::Contains("\nhwacme_renew_last_run_renewed_certificates 1\n"));
    CHECK_THAT(text, Catch::Contains("\nhwacme_renew_last_run_failed_certificates 1\n"));
    CHECK_THAT(text, Catch::Contains("\nhwacme_renew_last_run_timestamp_seconds " +
                                     std::to_string(attempted) + "\n"));

    // Every line is a HELP, a TYPE or a sample of a family declared just before it.
    std::istringstream lines(text);
    std::string family;
    const std::regex sample(R"(([a-z_]+)(\{[^}]*\})? -?[0-9]+)");
    for (std::string line; std::getline(lines, line);) {
        std::smatch match;
        if (line.rfind("# HELP ", 0) == 0) {
            family = line.substr(7, line.find(' ', 7) - 7);
        } else if (line.rfind("# TYPE ", 0) == 0) {
            CHECK(line == "# TYPE " + family + " gauge");
        } else {
            INFO(line);
            REQUIRE(std::regex_match(line, match, sample));
            CHECK(match[1] == family);
        }
    }
    test::TempDir tmp("hwacme-metrics");
    test::require_promtool_accepts(write(tmp, text));
}

TEST_CASE("metrics before any run leave out the run and attempt families", "[unit]") {
    auto text =
        render_metrics({issued("www", "file", kNow + days(5), kNow - days(1))}, std::nullopt, kNow);
    CHECK_THAT(text, !Catch::Contains("hwacme_renew_last_run"));
    CHECK_THAT(text, !Catch::Contains("last_attempt"));
    // Overdue: a negative number of seconds, so an alert can say how long.
    CHECK_THAT(text, Catch::Contains("{certificate=\"www\",key_device=\"file\"} -86400\n"));
    CHECK(render_metrics({}, std::nullopt, kNow).empty());
}

TEST_CASE("a label value with quotes backslashes and line feeds still parses", "[unit]") {
    CertificateMetrics odd{"we\"ird\\na\nme", "pkcs11", {}};
    auto text = render_metrics({odd}, std::nullopt, kNow);
    CHECK_THAT(text,
               Catch::Contains("{certificate=\"we\\\"ird\\\\na\\nme\",key_device=\"pkcs11\"}"));
    test::TempDir tmp("hwacme-metrics");
    test::require_promtool_accepts(write(tmp, text));
}

TEST_CASE("the alert rules of docs/monitoring.md load in Prometheus and name metrics that exist",
          "[unit]") {
    auto doc = test::slurp(std::string(HWACME_SOURCE_DIR) + "/docs/monitoring.md");
    auto begin = doc.find("```yaml\n");
    REQUIRE(begin != std::string::npos);
    begin += 8;
    auto rules = doc.substr(begin, doc.find("```", begin) - begin);
    test::TempDir tmp("hwacme-rules");
    std::ofstream(tmp / "rules.yml") << rules;
    auto checked = test::run_command({"promtool", "check", "rules", (tmp / "rules.yml").string()});
    INFO(checked.stdout_text << checked.stderr_text);
    REQUIRE(checked.exit_code == 0);

    RunRecord run{.finished = kNow, .renewed = 0, .failed = 0, .attempts = {{"www", {kNow, true}}}};
    auto text =
        render_metrics({issued("www", "file", kNow + days(40), kNow + days(10))}, run, kNow);
    const std::regex metric(R"(hwacme_[a-z_]+)");
    for (auto it = std::sregex_iterator(rules.begin(), rules.end(), metric);
         it != std::sregex_iterator(); ++it) {
        INFO(it->str());
        CHECK_THAT(text, Catch::Contains("\n" + it->str() + "{") ||
                             Catch::Contains("\n" + it->str() + " "));
    }
}
