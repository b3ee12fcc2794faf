// What hwacme gives away on its own host: descriptors and core files to the hooks it runs, a PIN
// spelt in capitals to its error messages, and wide modes to whoever set a lax umask.

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/core_dumps.h"
#include "tests/cli/hwacme_runner.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"
#include "tests/support/slurp.h"

using namespace hwacme::test;
namespace fs = std::filesystem;

namespace {

const std::string kHook = std::string(HWACME_SOURCE_DIR) + "/tests/cli/challtestsrv-dns-hook";

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("a DNS hook inherits no descriptor beyond 0-2 and no core-file allowance", "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-hook-fds");
    // ls lists its own descriptors: 0-2 and 3, the folder it reads. Anything hwacme leaked (the
    // CA connection libcurl keeps alive, a token's or TPM's socket) would come on top.
    const fs::path hook = tmp / "recording-hook";
    hwacme::write_file_atomic(hook,
                              "#!/bin/sh\nif [ \"$1\" = add ]; then ls /proc/self/fd >'" +
                                  (tmp / "fds").string() + "'; ulimit -c >'" +
                                  (tmp / "core").string() + "'; fi\nexec '" + kHook + "' \"$@\"\n",
                              0755);
    auto result = run_hwacme(
        join({"issue", "-d", "fds.example.com", "--key", "file:" + (tmp / "k.pem").string(),
              "--account-key", "file:" + (tmp / "acct.pem").string(), "--agree-tos", "--challenge",
              "dns-01", "--dns-hook", hook.string(), "--out", (tmp / "out").string()},
             ca_options(pebble, tmp)),
        {"CHALLTESTSRV_MANAGEMENT=" + pebble.challtestsrv_url()});
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(slurp(tmp / "fds") == "0\n1\n2\n3\n");
    CHECK(slurp(tmp / "core") == "0\n");
}

TEST_CASE("hwacme makes itself undumpable before it reads any secret", "[unit]") {
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        bool ok = hwacme::forbid_core_dumps().empty();
        rlimit core{};
        ok = ok && ::getrlimit(RLIMIT_CORE, &core) == 0 && core.rlim_cur == 0 && core.rlim_max == 0;
        ok = ok && ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("a pin-value is kept out of the error whatever its letter case", "[unit]") {
    for (const std::string uri :
         {"pkcs11:token=a;object=b?PIN-VALUE=s3cr3t", "pkcs11:token=a;Pin-Value=s3cr3t;object=b",
          "pkcs11:token=a;object=b?pin-value=s3cr3t"}) {
        INFO(uri);
        auto result = run_hwacme({"key", "show", uri});
        CHECK(result.exit_code == 1);
        CHECK_THAT(result.stderr_text, !Catch::Contains("s3cr3t"));
        CHECK_THAT(result.stderr_text, Catch::Contains("hwacme: "));
    }
}

TEST_CASE("under umask 000 issue still creates its folders and files with their own modes",
          "[pebble]") {
    PebbleFixture pebble;
    TempDir tmp("hwacme-umask");
    std::vector<std::string> argv{"sh", "-c", "umask 000 && exec \"$@\"", "sh",
                                  std::string(HWACME_BINARY_DIR) + "/hwacme"};
    argv = join(
        argv, join({"issue", "-d", "umask.example.com", "--key", "file:" + (tmp / "k.pem").string(),
                    "--account-key", "file:" + (tmp / "acct.pem").string(), "--agree-tos",
                    "--http-address", "127.0.0.1", "--http-port",
                    std::to_string(pebble.http_port()), "--out", (tmp / "out" / "site").string()},
                   ca_options(pebble, tmp)));
    auto result = run_command(argv, {}, std::chrono::seconds(120));
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(mode_of(tmp / "out") == 0755);
    CHECK(mode_of(tmp / "out" / "site") == 0755);
    CHECK(mode_of(tmp / "out" / "site" / "fullchain.pem") == 0644);
    CHECK(mode_of(tmp / "acct.pem") == 0600);
    CHECK(mode_of(tmp / "k.pem") == 0600);
    CHECK(mode_of(tmp / "state") == 0700);
    for (const auto& entry : fs::recursive_directory_iterator(tmp / "state")) {
        INFO(entry.path());
        CHECK(mode_of(entry.path()) == (entry.is_directory() ? 0700u : 0600u));
    }
}
