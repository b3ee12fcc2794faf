// hwacme(1) documents every command and option that `--help` shows, each option under its own
// command; hwacme.json(5) documents every field the configuration parser accepts, found by
// asking the parser itself which fields each object knows.
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <functional>

#include "agent/config/config.h"
#include "common/error.h"
#include "tests/docs/cli_help.h"
#include "tests/support/slurp.h"

using namespace hwacme;
using namespace hwacme::test;
using namespace hwacme::test::docs;

namespace {

const std::string kManDir = std::string(HWACME_SOURCE_DIR) + "/docs/man/";

/// The text of a man page source from its heading line to the next heading.
std::string section(const std::string& page, const std::string& heading) {
    auto at = page.find("\n" + heading + "\n");
    if (at == std::string::npos) return {};
    auto end = page.find("\n#", at + heading.size() + 2);
    return page.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

constexpr std::string_view kProbe = "__probe__";
constexpr std::string_view kUnknown = "__probe__: unknown field (known: ";

/// The fields the parser knows in the object that holds "__probe__", from the error it gives;
/// an empty list when the error is another one (the probed value is not an object there).
std::vector<std::string> known_fields(const boost::json::value& config) {
    try {
        config::parse_config(boost::json::serialize(config), "probe.json");
    } catch (const Error& e) {
        std::string message = e.what();
        auto at = message.find(kUnknown);
        if (at == std::string::npos) return {};
        auto list = message.substr(at + kUnknown.size());
        list = list.substr(0, list.find(')'));
        std::vector<std::string> fields;
        for (std::size_t start = 0; start <= list.size();) {
            auto comma = list.find(", ", start);
            fields.push_back(list.substr(start, comma - start));
            if (comma == std::string::npos) break;
            start = comma + 2;
        }
        return fields;
    }
    FAIL("the parser accepted an unknown field");
    return {};
}

/// Collects the documented name of every field below the object that `locate` finds in a copy
/// of `base`: objects and arrays of objects are entered by probing each field with an object,
/// then with an array holding one.
void collect_fields(const boost::json::value& base,
                    const std::function<boost::json::object&(boost::json::value&)>& locate,
                    const std::string& prefix, std::vector<std::string>& out) {
    auto probed = base;
    locate(probed)[kProbe] = 1;
    auto fields = known_fields(probed);
    REQUIRE_FALSE(fields.empty());
    for (const auto& field : fields) {
        out.push_back(prefix + field);
        auto inside_object = [&](boost::json::value& doc) -> boost::json::object& {
            auto& slot = locate(doc)[field];
            if (!slot.is_object()) slot = boost::json::object{};
            return slot.as_object();
        };
        auto inside_array = [&](boost::json::value& doc) -> boost::json::object& {
            auto& slot = locate(doc)[field];
            if (!slot.is_array() || slot.as_array().empty() || !slot.as_array()[0].is_object())
                slot = boost::json::array{boost::json::object{}};
            return slot.as_array()[0].as_object();
        };
        auto try_object = base;
        inside_object(try_object)[kProbe] = 1;
        auto try_array = base;
        inside_array(try_array)[kProbe] = 1;
        if (!known_fields(try_object).empty())
            collect_fields(base, inside_object, prefix + field + ".", out);
        else if (!known_fields(try_array).empty())
            collect_fields(base, inside_array, prefix + field + "[].", out);
    }
}

/// A valid configuration with one certificate, so that probing reaches every object.
boost::json::value minimal_config() {
    auto config = boost::json::parse(R"({
        "ca": {"directory": "https://ca.example/dir", "account_key": "file:/var/lib/a.pem"},
        "certificates": [{"name": "www", "identifiers": ["www.example.com"],
                          "key": "file:/var/lib/www-{generation}.pem", "output_dir": "/out"}]
    })");
    config::parse_config(boost::json::serialize(config), "minimal.json");
    return config;
}

}  // namespace

TEST_CASE("hwacme(1) documents every command and option that --help shows", "[unit]") {
    const auto page = slurp(kManDir + "hwacme.1.scd");
    REQUIRE_FALSE(page.empty());
    for (const auto& help : all_help_pages()) {
        std::string heading =
            help.path.empty() ? "# GLOBAL OPTIONS" : "## hwacme " + joined(help.path, " ");
        INFO(heading);
        auto text = section(page, heading);
        REQUIRE_FALSE(text.empty());
        for (const auto& option : help.options) {
            if (!help.path.empty() && (option == "-h" || option == "--help")) continue;
            INFO(option);
            CHECK(text.find("*" + option + "*") != std::string::npos);
        }
    }
}

TEST_CASE("hwacme.json(5) documents every field the configuration parser accepts", "[unit]") {
    const auto page = slurp(kManDir + "hwacme.json.5.scd");
    REQUIRE_FALSE(page.empty());
    std::vector<std::string> fields;
    collect_fields(
        minimal_config(),
        [](boost::json::value& doc) -> boost::json::object& { return doc.as_object(); }, "",
        fields);
    // The probe reached the nested objects, not just the top level.
    CHECK(std::find(fields.begin(), fields.end(), "ca.eab.alg") != fields.end());
    CHECK(std::find(fields.begin(), fields.end(), "certificates[].challenge.dns_hook") !=
          fields.end());
    for (const auto& field : fields) {
        INFO(field);
        CHECK(page.find("\n*" + field + "* (") != std::string::npos);
    }
}
