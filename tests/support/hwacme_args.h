#pragma once

#include <string>
#include <vector>

#include "tests/support/pebble_fixture.h"
#include "tests/support/temp_dir.h"

namespace hwacme::test {

/// The arguments of a followed by those of b: how tests build an hwacme command line from parts.
std::vector<std::string> join(std::vector<std::string> a, const std::vector<std::string>& b);

/// The global options that point hwacme at the fixture's CA, with its TLS root trusted and the
/// state in tmp/state.
std::vector<std::string> ca_options(const PebbleFixture& pebble, const TempDir& tmp);

}  // namespace hwacme::test
