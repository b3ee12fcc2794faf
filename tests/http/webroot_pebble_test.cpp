// Item 8 of issue #11 through the binary: whoever can write the webroot (here `nobody`, as a web
// server's user is) cannot steer where `hwacme issue --webroot`, run as root, writes or deletes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli/hwacme_runner.h"
#include "tests/http/hostile_webroot.h"
#include "tests/http/paused_hwacme.h"
#include "tests/support/hwacme_args.h"
#include "tests/support/pebble_fixture.h"

using namespace hwacme::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

/// A HostileWebroot served by busybox httpd, running as the web user, on the port where Pebble
/// validates http-01.
struct WebrootScene : HostileWebroot {
    PebbleFixture pebble;
    TempDir tmp{"hwacme-webroot"};
    Process web_server;

    WebrootScene()
        : web_server({"setpriv", "--reuid=" + std::to_string(user.uid),
                      "--regid=" + std::to_string(user.gid), "--clear-groups", "busybox", "httpd",
                      "-f", "-p", "127.0.0.1:" + std::to_string(pebble.http_port()), "-h",
                      www.string()}) {}

    std::vector<std::string> issue_args() const {
        return join(
            {"issue", "-d", "webroot.example.com", "--webroot", www.string(), "--key",
             "file:" + (tmp / "k.pem").string(), "--account-key",
             "file:" + (tmp / "acct.pem").string(), "--agree-tos", "--out", (tmp / "out").string()},
            ca_options(pebble, tmp));
    }
};

/// hwacme's error: the last line of stderr, the only one that starts "hwacme: " (progress lines
/// come before it); empty when that is not so.
std::string error_line(const std::string& stderr_text) {
    std::vector<std::string> errors;
    std::string last;
    for (std::size_t start = 0; start < stderr_text.size();) {
        auto end = stderr_text.find('\n', start);
        if (end == std::string::npos) end = stderr_text.size();
        last = stderr_text.substr(start, end - start);
        if (last.starts_with("hwacme: ")) errors.push_back(last);
        start = end + 1;
    }
    return errors.size() == 1 && errors.back() == last ? last : std::string();
}

}  // namespace

TEST_CASE("issue --webroot as root refuses a challenge folder the web user linked elsewhere",
          "[pebble][root]") {
    require_root("hwacme must run as root and the webroot belong to another user, nobody");
    auto linked = GENERATE(std::string(".well-known/acme-challenge"), std::string(".well-known"));
    INFO("the web user makes " << linked << " a link to a root-owned folder");
    WebrootScene scene;
    fs::create_directory(scene.target / "acme-challenge");  // what a linked .well-known leads to
    if (linked == ".well-known") scene.as_user({"rmdir", (scene.www / linked).string()});
    scene.as_user({"ln", "-s", scene.target.string(), (scene.www / linked).string()});
    auto before = tree(scene.target);
    FolderWatch target_watch(scene.target);
    FolderWatch inner_watch(scene.target / "acme-challenge");

    auto result = run_hwacme(scene.issue_args());
    INFO(result.stderr_text);
    CHECK(result.exit_code == 1);
    CHECK(error_line(result.stderr_text) == "hwacme: cannot use " + (scene.www / linked).string() +
                                                ": a symbolic link owned by uid " +
                                                std::to_string(scene.user.uid) +
                                                "; hwacme follows only links that root owns");
    // sshd_config as it was, and nothing made beside it, not even for a moment.
    CHECK(tree(scene.target) == before);
    CHECK(target_watch.changes().empty());
    CHECK(inner_watch.changes().empty());
    CHECK_FALSE(fs::exists(scene.tmp / "out" / "cert.pem"));
}

TEST_CASE(
    "issue --webroot as root keeps writing where it opened when the web user swaps the "
    "folder for a link",
    "[pebble][root]") {
    require_root("hwacme must run as root and the webroot belong to another user, nobody");
    WebrootScene scene;
    auto challenge = scene.www / ".well-known/acme-challenge";
    scene.as_user({"mkdir", challenge.string()});
    auto before = tree(scene.target);

    // hwacme stops right after it opened the challenge folder; the web user swaps it then.
    PausedHwacme hwacme({}, "openat:acme-challenge", scene.issue_args(), scene.tmp.path());
    hwacme.wait_until_stopped(30s);
    auto moved = scene.www / ".well-known/moved-away";
    scene.as_user({"mv", challenge.string(), moved.string()});
    scene.as_user({"ln", "-s", scene.target.string(), challenge.string()});
    FolderWatch target_watch(scene.target);
    hwacme.resume();
    auto result = hwacme.wait_for_exit(60s);

    INFO(result.stderr_text);
    // The token went into the folder hwacme opened, which the web server no longer serves at
    // that path: the CA sees 404 and the order fails — the web user can always refuse to serve.
    CHECK(result.exit_code == 1);
    CHECK_THAT(error_line(result.stderr_text),
               Catch::StartsWith("hwacme: validation of dns:webroot.example.com failed") &&
                   Catch::EndsWith("returned 404"));
    CHECK(tree(scene.target) == before);
    CHECK(target_watch.changes().empty());
    // The token was removed from where it was written, and from nowhere else.
    CHECK(fs::is_empty(moved));
}

TEST_CASE("issue --webroot as root follows root's own link to a root-owned challenge folder",
          "[pebble][root]") {
    require_root("the deliberate link must be root's, in a webroot another user owns");
    WebrootScene scene;
    auto challenges = scene.scratch / "challenges";
    fs::create_directory(challenges);
    fs::create_directory_symlink(challenges, scene.www / ".well-known/acme-challenge");
    auto before = tree(scene.target);
    FolderWatch challenges_watch(challenges);

    auto result = run_hwacme(scene.issue_args());
    INFO(result.stderr_text);
    REQUIRE(result.exit_code == 0);
    CHECK(fs::exists(scene.tmp / "out" / "fullchain.pem"));
    // The token was served from there and removed after validation.
    CHECK(fs::is_empty(challenges));
    auto changes = challenges_watch.changes();
    INFO("in the challenge folder: " << Catch::Detail::stringify(changes));
    CHECK(std::count_if(changes.begin(), changes.end(), [](const std::string& change) {
              return change.starts_with("moved in ");
          }) == 1);
    CHECK(tree(scene.target) == before);
}
