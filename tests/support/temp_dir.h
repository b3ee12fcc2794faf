#pragma once

#include <filesystem>
#include <string>

namespace hwacme::test {

/// A fresh folder under the system temp folder, named PREFIX.XXXXXX and removed with its content
/// by the destructor. Throws Error(Io) if it cannot be made. Not copyable.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "hwacme-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

}  // namespace hwacme::test
