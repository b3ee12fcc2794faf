#include "tests/support/hwacme_args.h"

namespace hwacme::test {

std::vector<std::string> join(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

std::vector<std::string> ca_options(const PebbleFixture& pebble, const TempDir& tmp) {
    return {"--server",    pebble.directory_url(),  "--ca-bundle", pebble.tls_ca_path().string(),
            "--state-dir", (tmp / "state").string()};
}

}  // namespace hwacme::test
