#include "tests/support/slurp.h"

#include <fstream>
#include <sstream>

namespace hwacme::test {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace hwacme::test
