#include "tests/support/temp_dir.h"

#include <stdlib.h>

#include <system_error>

#include "common/error.h"

namespace hwacme::test {

TempDir::TempDir(const std::string& prefix) {
    std::string pattern = std::filesystem::temp_directory_path() / (prefix + ".XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr)
        throw Error(Errc::Io, "TempDir: mkdtemp failed for " + pattern);
    path_ = pattern;
}

TempDir::~TempDir() {
    // A destructor must not throw; a folder left behind in /tmp is harmless.
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace hwacme::test
