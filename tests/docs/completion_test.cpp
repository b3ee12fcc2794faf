// The bash completion of dist/completion/hwacme, run in a real bash: it offers every command,
// subcommand and option that `--help` shows, the key and challenge types the binary accepts,
// and the certificate names of the configuration the command line names.
#include <catch2/catch.hpp>
#include <fstream>
#include <set>

#include "keystore/key_type.h"
#include "tests/docs/cli_help.h"
#include "tests/support/slurp.h"

using namespace hwacme;
using namespace hwacme::test;
using namespace hwacme::test::docs;

namespace {

const std::string kCompletion = std::string(HWACME_SOURCE_DIR) + "/dist/completion/hwacme";
const std::string kHwacme = std::string(HWACME_BINARY_DIR) + "/hwacme";

/// COMPREPLY after completing the last of `words` (hwacme itself first), as bash would.
std::set<std::string> complete(const std::vector<std::string>& words,
                               const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv{"bash",
                                  "-c",
                                  R"(source "$1"; shift; COMP_WORDS=("$@")
                                     COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _hwacme
                                     printf '%s\n' "${COMPREPLY[@]}")",
                                  "bash",
                                  kCompletion,
                                  kHwacme};
    argv.insert(argv.end(), words.begin(), words.end());
    auto result = run_command(argv, env);
    INFO("completion stderr: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(result.stderr_text.empty());
    std::set<std::string> offered;
    std::istringstream lines(result.stdout_text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) offered.insert(line);
    return offered;
}

std::vector<std::string> with(std::vector<std::string> path, const std::string& word) {
    path.push_back(word);
    return path;
}

/// The choices --help shows for an option with a fixed set: "--challenge TEXT:{a,b,c}".
std::set<std::string> choices_in_help(const std::string& help, const std::string& option) {
    auto at = help.find(option + " TEXT:{");
    REQUIRE(at != std::string::npos);
    at = help.find('{', at) + 1;
    std::set<std::string> choices;
    std::istringstream list(help.substr(at, help.find('}', at) - at));
    for (std::string choice; std::getline(list, choice, ',');) choices.insert(choice);
    return choices;
}

}  // namespace

TEST_CASE("completion offers every subcommand and option that --help shows", "[unit]") {
    for (const auto& help : all_help_pages()) {
        INFO("hwacme " << joined(help.path, " "));
        if (!help.subcommands.empty())
            CHECK(complete(with(help.path, "")) ==
                  std::set<std::string>(help.subcommands.begin(), help.subcommands.end()));
        auto options = complete(with(help.path, "-"));
        for (const auto& option : help.options) {
            INFO(option);
            if (option != "-h") CHECK(options.count(option) == 1);
        }
    }
    // Global options stand before the command too, and a prefix narrows the offer.
    CHECK(complete({"--verbose", "account", "r"}) == std::set<std::string>{"register", "rollover"});
    CHECK(complete({"--config", "/x.json", "ke"}) == std::set<std::string>{"key"});
}

TEST_CASE("completion offers the key types and challenge types the binary accepts", "[unit]") {
    std::set<std::string> key_types;
    std::istringstream names(keystore::key_type_names());
    for (std::string name; std::getline(names, name, ',');) {
        name.erase(0, name.find_first_not_of(' '));
        key_types.insert(name);
    }
    REQUIRE(key_types.size() >= 5);
    CHECK(complete({"key", "generate", "file:/k.pem", "--type", ""}) == key_types);
    CHECK(complete({"issue", "--key-type", ""}) == key_types);
    CHECK(complete({"account", "register", "--key-type", "rsa"}) ==
          std::set<std::string>{"rsa2048", "rsa3072", "rsa4096"});

    auto issue_help = help_page({"issue"}).text;
    CHECK(complete({"issue", "-d", "a.example", "--challenge", ""}) ==
          choices_in_help(issue_help, "--challenge"));
    CHECK(complete({"snippet", "--web-server", ""}) ==
          choices_in_help(help_page({"snippet"}).text, "--web-server"));
}

TEST_CASE("completion of --cert offers the certificate names of the configuration", "[unit]") {
    TempDir tmp("hwacme-completion");
    const auto config = tmp / "hwacme.json";
    std::ofstream(config) << R"({
      // "name": "commented-out" is no certificate
      "ca": {"directory": "https://ca.example/dir", "account_key": "file:/var/lib/a.pem"},
      "certificates": [
        {"name": "www", "identifiers": ["www.example.com"], "key": "file:/k/www.pem",
         "key_policy": "reuse", "output_dir": "/out/www"},
        {"name": "mail.example", "identifiers": ["mail.example.com"], "key": "file:/k/m.pem",
         "key_policy": "reuse", "output_dir": "/out/mail"},
      ],
    })";
    const std::set<std::string> both{"www", "mail.example"};
    CHECK(complete({"--config", config.string(), "renew", "--cert", ""}) == both);
    CHECK(complete({"status", "--config", config.string(), "--cert", "ma"}) ==
          std::set<std::string>{"mail.example"});
    CHECK(complete({"snippet", "--cert", ""}, {"HWACME_CONFIG=" + config.string()}) == both);
    // revoke's --cert is a certificate file, not a name.
    CHECK(complete({"revoke", "--cert", config.string()}) ==
          std::set<std::string>{config.string()});
    // A configuration that does not parse offers nothing, and says nothing on the terminal.
    std::ofstream(tmp / "broken.json") << "{ not json";
    CHECK(complete({"--config", (tmp / "broken.json").string(), "list", "--cert", ""}).empty());
}
