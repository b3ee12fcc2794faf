#include "agent/manage/deploy_hook.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>

#include "common/atomic_file.h"
#include "common/error.h"
#include "tests/cli/hwacme_runner.h"

using namespace hwacme;
using namespace hwacme::manage;
using hwacme::test::TempDir;
namespace fs = std::filesystem;

namespace {

fs::path write_script(const TempDir& dir, const std::string& name, const std::string& body) {
    auto path = dir / name;
    write_file_atomic(path, "#!/bin/sh\n" + body, 0755);
    return path;
}

DeployEvent sample_event() {
    return {"web",
            "/etc/ssl/web/current/cert.pem",
            "/etc/ssl/web/current/chain.pem",
            "/etc/ssl/web/current/fullchain.pem",
            "tpm2:path=/var/lib/hwacme/keys/web-2.tss2.pem",
            "/etc/ssl/web/current/key.pem",
            "0A1B2C",
            "2027-02-26T12:00:00Z",
            "/etc/ssl/web/current"};
}

// NAME=VALUE lines as `env` prints them.
std::map<std::string, std::string> read_env_dump(const fs::path& path) {
    std::map<std::string, std::string> vars;
    std::istringstream in(read_file(path));
    for (std::string line; std::getline(in, line);)
        if (auto eq = line.find('='); eq != std::string::npos)
            vars[line.substr(0, eq)] = line.substr(eq + 1);
    return vars;
}

// Sets an environment variable for the scope of a test.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value, 1);
    }
    ~ScopedEnv() {
        if (old_)
            ::setenv(name_.c_str(), old_->c_str(), 1);
        else
            ::unsetenv(name_.c_str());
    }

private:
    std::string name_;
    std::optional<std::string> old_;
};

// Points one of our descriptors at a file for the scope of a test, so the test sees what a
// child wrote there.
class Redirect {
public:
    Redirect(int fd, const fs::path& file) : fd_(fd), saved_(::dup(fd)) {
        int target = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ::dup2(target, fd_);
        ::close(target);
    }
    ~Redirect() {
        ::dup2(saved_, fd_);
        ::close(saved_);
    }

private:
    int fd_;
    int saved_;
};

std::string error_of(const std::string& hook, const DeployEvent& event) {
    try {
        run_deploy_hook(hook, event);
    } catch (const Error& e) {
        CHECK(e.code() == Errc::InvalidArgument);
        return e.what();
    }
    FAIL("the hook did not fail");
    return "";
}

}  // namespace

TEST_CASE("a deploy hook gets the event and hwacme's environment", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto hook = write_script(tmp, "hook", "env > \"$(dirname \"$0\")/env.out\"\n");
    ScopedEnv inherited("HWACME_TEST_INHERITED", "kept");
    ScopedEnv stale_serial("HWACME_SERIAL", "stale");
    ScopedEnv pin("HWACME_PKCS11_PIN", "1234");
    run_deploy_hook(hook.string(), sample_event());

    auto vars = read_env_dump(tmp / "env.out");
    CHECK(vars["HWACME_CERT_NAME"] == "web");
    CHECK(vars["HWACME_CERT_PATH"] == "/etc/ssl/web/current/cert.pem");
    CHECK(vars["HWACME_CHAIN_PATH"] == "/etc/ssl/web/current/chain.pem");
    CHECK(vars["HWACME_FULLCHAIN_PATH"] == "/etc/ssl/web/current/fullchain.pem");
    CHECK(vars["HWACME_KEY_URI"] == "tpm2:path=/var/lib/hwacme/keys/web-2.tss2.pem");
    CHECK(vars["HWACME_KEY_PATH"] == "/etc/ssl/web/current/key.pem");
    CHECK(vars["HWACME_SERIAL"] == "0A1B2C");
    CHECK(vars["HWACME_NOT_AFTER"] == "2027-02-26T12:00:00Z");
    CHECK(vars["HWACME_LIVE_DIR"] == "/etc/ssl/web/current");
    CHECK(vars["HWACME_TEST_INHERITED"] == "kept");
    CHECK(vars.count("PATH") == 1);
    CHECK(vars.count("HWACME_PKCS11_PIN") == 0);
}

TEST_CASE("a deploy hook for a key inside a device gets no key path", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto hook = write_script(tmp, "hook", "env > \"$(dirname \"$0\")/env.out\"\n");
    ScopedEnv stale("HWACME_KEY_PATH", "/some/other/key.pem");
    auto event = sample_event();
    event.key_uri = "pkcs11:token=acme;object=web-2";
    event.key_path.clear();
    run_deploy_hook(hook.string(), event);
    auto vars = read_env_dump(tmp / "env.out");
    CHECK(vars["HWACME_KEY_URI"] == "pkcs11:token=acme;object=web-2");
    CHECK(vars.count("HWACME_KEY_PATH") == 0);
}

TEST_CASE("a deploy hook's output goes to stderr and never to stdout", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto hook = write_script(tmp, "hook", "echo to-stdout\necho to-stderr >&2\n");
    {
        Redirect out(STDOUT_FILENO, tmp / "stdout");
        Redirect err(STDERR_FILENO, tmp / "stderr");
        run_deploy_hook(hook.string(), sample_event());
    }
    CHECK(read_file(tmp / "stdout").empty());
    CHECK(read_file(tmp / "stderr") == "to-stdout\nto-stderr\n");
}

TEST_CASE("a failing deploy hook is an error naming the hook and its exit status", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto hook = write_script(tmp, "hook", "exit 3\n");
    CHECK(error_of(hook.string(), sample_event()) ==
          "the deploy hook " + hook.string() + " failed (exit status 3)");
}

TEST_CASE("a deploy hook killed by a signal is an error naming the signal", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto hook = write_script(tmp, "hook", "kill -TERM $$\n");
    auto message = error_of(hook.string(), sample_event());
    CHECK(message.starts_with("the deploy hook " + hook.string() + " failed (signal 15"));
}

TEST_CASE("a deploy hook that does not exist is an error naming it", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto missing = (tmp / "no-such-hook").string();
    CHECK(error_of(missing, sample_event()) ==
          "cannot run the deploy hook " + missing + ": No such file or directory");
}

TEST_CASE("a deploy hook that is not executable is an error naming it", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto hook = tmp / "hook";
    write_file_atomic(hook, "#!/bin/sh\nexit 0\n", 0644);
    CHECK(error_of(hook.string(), sample_event()) ==
          "cannot run the deploy hook " + hook.string() + ": Permission denied");
}

TEST_CASE("a deploy hook is run as a program and not through a shell", "[unit]") {
    TempDir tmp("hwacme-hook");
    auto marker = tmp / "injected";
    auto hook = "true; touch " + marker.string();
    auto message = error_of(hook, sample_event());
    CHECK(message.find("cannot run the deploy hook") == 0);
    CHECK_FALSE(fs::exists(marker));
}
