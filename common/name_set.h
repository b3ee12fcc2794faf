#pragma once

#include <string>
#include <vector>

namespace hwacme {

/// Certificate names as a set: lower case (DNS names compare without case), sorted, no
/// duplicates — the same set however the operator spelled or ordered them.
std::vector<std::string> name_set(std::vector<std::string> names);

}  // namespace hwacme
