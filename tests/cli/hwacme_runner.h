#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace hwacme::test {

/// Runs the built `hwacme` executable — the tests drive the product as an operator does.
inline CommandResult run_hwacme(const std::vector<std::string>& args,
                                const std::vector<std::string>& env = {},
                                std::chrono::milliseconds timeout = std::chrono::seconds(120)) {
    std::vector<std::string> argv{std::string(HWACME_BINARY_DIR) + "/hwacme"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv, env, timeout);
}

/// A fresh folder under the system temp folder, removed with its content by the destructor.
class TempDir {
public:
    explicit TempDir(const std::string& prefix) {
        std::string pattern = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX"));
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace hwacme::test
