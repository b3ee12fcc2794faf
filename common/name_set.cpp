#include "common/name_set.h"

#include <algorithm>

namespace hwacme {

std::vector<std::string> name_set(std::vector<std::string> names) {
    for (auto& name : names)
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return std::tolower(c); });
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

}  // namespace hwacme
