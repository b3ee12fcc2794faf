#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <fstream>

#include "tests/cli/hwacme_runner.h"

using namespace hwacme::test;

namespace {

const std::string kValidConfig = std::string(HWACME_SOURCE_DIR) + "/tests/config/valid.json";

bool single_line(const std::string& text) {
    return !text.empty() && text.back() == '\n' && text.find('\n') == text.size() - 1;
}

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("config check lists the certificates of a valid file", "[unit]") {
    TempDir tmp("hwacme-config");
    auto result = run_hwacme(
        {"config", "check", "--config", kValidConfig, "--state-dir", (tmp / "state").string()});
    INFO(result.stderr_text);
    CHECK(result.exit_code == 0);
    CHECK(result.stdout_text.rfind(kValidConfig + ": ok, 2 certificates\n", 0) == 0);
    CHECK(result.stdout_text.find("www: www.example.com,example.com; key rotate "
                                  "pkcs11:token=web;object=www-{generation}; http-01; "
                                  "/etc/hwacme/live/www\n") != std::string::npos);
    CHECK(result.stdout_text.find("wildcard: *.example.com; key reuse "
                                  "file:/var/lib/hwacme/wildcard.pem; dns-01; "
                                  "/etc/hwacme/live/wildcard\n") != std::string::npos);
    CHECK(result.stderr_text.empty());
    // It only reads: no state, no keys.
    CHECK_FALSE(std::filesystem::exists(tmp / "state"));
}

TEST_CASE("config check reads the file HWACME_CONFIG names", "[unit]") {
    auto result = run_hwacme({"config", "check"}, {"HWACME_CONFIG=" + kValidConfig});
    CHECK(result.exit_code == 0);
    CHECK(result.stdout_text.rfind(kValidConfig + ": ok, 2 certificates\n", 0) == 0);
}

TEST_CASE("config check --json prints one JSON object", "[unit]") {
    auto result = run_hwacme({"--config", kValidConfig, "config", "check", "--json"});
    REQUIRE(result.exit_code == 0);
    auto out = boost::json::parse(result.stdout_text).as_object();
    CHECK(out.at("config").as_string() == kValidConfig);
    CHECK(out.at("ok").as_bool());
    CHECK(out.at("ca").as_string() == "https://127.0.0.1:14000/dir");
    const auto& certificates = out.at("certificates").as_array();
    REQUIRE(certificates.size() == 2);
    const auto& www = certificates[0].as_object();
    CHECK(www.at("name").as_string() == "www");
    CHECK(www.at("identifiers").as_array().size() == 2);
    CHECK(www.at("key_policy").as_string() == "rotate");
    CHECK(www.at("key").as_string() == "pkcs11:token=web;object=www-{generation}");
    CHECK(www.at("challenge").as_string() == "http-01");
    CHECK(www.at("output_dir").as_string() == "/etc/hwacme/live/www");
    CHECK(certificates[1].at("challenge").as_string() == "dns-01");
}

TEST_CASE("config check on an invalid file is one line naming line and field and exit 1",
          "[unit]") {
    TempDir tmp("hwacme-config");
    auto path = tmp / "hwacme.json";
    write_text(
        path,
        "{\n"
        "  \"ca\": {\"directory\": \"https://ca.example/d\", \"account_key\": \"file:/a\"},\n"
        "  \"certificates\": [\n"
        "    {\"name\": \"www\", \"identifiers\": [\"www.example.com\"],\n"
        "     \"key\": \"file:/k-{generation}.pem\", \"output_dir\": \"/o\",\n"
        "     \"key_policy\": \"sometimes\"}\n"
        "  ]\n"
        "}\n");
    auto result = run_hwacme({"config", "check", "--config", path.string()});
    CHECK(result.exit_code == 1);
    CHECK(single_line(result.stderr_text));
    CHECK(result.stderr_text == "hwacme: " + path.string() +
                                    ":6: certificates[0].key_policy: must be \"reuse\" or "
                                    "\"rotate\"\n");
    CHECK(result.stdout_text.empty());
}

TEST_CASE("config check on a missing file names the path and exits 1", "[unit]") {
    TempDir tmp("hwacme-config");
    auto path = tmp / "absent.json";
    auto result = run_hwacme({"config", "check", "--config", path.string()});
    CHECK(result.exit_code == 1);
    CHECK(single_line(result.stderr_text));
    CHECK(result.stderr_text.find(path.string()) != std::string::npos);
}
