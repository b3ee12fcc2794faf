#pragma once

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli/hwacme_runner.h"

// The command line as `hwacme … --help` shows it, walked through every subcommand: what the man
// page and the shell completion are checked against, so neither can miss what the binary has.
namespace hwacme::test::docs {

/// What one command's --help lists.
struct HelpPage {
    std::vector<std::string> path;         ///< the command words, empty for hwacme itself
    std::vector<std::string> options;      ///< every name: "-d" and "--domain" both
    std::vector<std::string> subcommands;  ///< the words that may follow
    std::string text;
};

/// Parses CLI11's help: an option line's first word is its names joined by ","; a subcommand
/// line under "Subcommands:" starts with the subcommand's name.
inline HelpPage help_page(const std::vector<std::string>& path) {
    auto args = path;
    args.push_back("--help");
    auto result = run_hwacme(args);
    INFO("hwacme " << args.front() << " --help: " << result.stderr_text);
    REQUIRE(result.exit_code == 0);
    HelpPage page{path, {}, {}, result.stdout_text};
    std::istringstream lines(result.stdout_text);
    bool in_subcommands = false;
    for (std::string line; std::getline(lines, line);) {
        if (line.empty() || line[0] != ' ') {
            in_subcommands = line == "Subcommands:";
            continue;
        }
        std::istringstream words(line);
        std::string first;
        words >> first;
        if (in_subcommands) {
            if (line.rfind("  ", 0) == 0 && line[2] != ' ') page.subcommands.push_back(first);
        } else if (first.rfind('-', 0) == 0) {
            std::istringstream names(first);
            for (std::string name; std::getline(names, name, ',');) page.options.push_back(name);
        }
    }
    return page;
}

/// hwacme's own help page and that of every command and subcommand below it.
inline std::vector<HelpPage> all_help_pages() {
    std::vector<HelpPage> pages{help_page({})};
    for (std::size_t i = 0; i < pages.size(); ++i)
        for (const auto& subcommand : pages[i].subcommands) {
            auto path = pages[i].path;
            path.push_back(subcommand);
            pages.push_back(help_page(path));
        }
    REQUIRE(pages.size() > 20);  // the walk found the commands, not just the first page
    return pages;
}

inline std::string joined(const std::vector<std::string>& words, const std::string& separator) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : separator) + word;
    return out;
}

}  // namespace hwacme::test::docs
