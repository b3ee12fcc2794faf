#pragma once

#include <filesystem>
#include <string>

namespace hwacme::test {

/// The whole content of a file; empty when it cannot be read, so a test can poll a log that a
/// server has not written yet.
std::string slurp(const std::filesystem::path& path);

}  // namespace hwacme::test
