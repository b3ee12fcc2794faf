#include "tests/support/pebble_fixture.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>

#include "common/error.h"

namespace hwacme::test {
namespace {

using namespace std::chrono_literals;

std::string local_pebble_script() {
    return std::string(HWACME_SOURCE_DIR) + "/scripts/local-pebble";
}

std::filesystem::path make_temp_dir() {
    std::string name = (std::filesystem::temp_directory_path() / "hwacme-pebble-XXXXXX").string();
    if (::mkdtemp(name.data()) == nullptr) {
        throw Error(Errc::Io, "mkdtemp " + name + ": " + std::strerror(errno));
    }
    return name;
}

// Pebble and challtestsrv outlive the `local-pebble start` that launched them, so they are
// re-parented. As a subreaper this process becomes their parent and can reap them once stopped:
// under an init that does not reap orphans (a bare container), they would stay zombies whose PID
// still answers kill(pid, 0).
void become_subreaper() {
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        throw Error(Errc::Io,
                    std::string("prctl(PR_SET_CHILD_SUBREAPER): ") + std::strerror(errno));
    }
}

void reap_if_our_child(pid_t pid) {
    if (pid <= 0) return;
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        pid_t reaped = ::waitpid(pid, &status, WNOHANG);
        if (reaped != 0) return;  // reaped, or not our child (ECHILD): nothing to wait for
        std::this_thread::sleep_for(10ms);
    }
}

std::map<std::string, std::string> read_env_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw Error(Errc::Io, "cannot read " + path.string());
    std::map<std::string, std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        auto equals = line.find('=');
        if (equals != std::string::npos) values[line.substr(0, equals)] = line.substr(equals + 1);
    }
    return values;
}

const std::string& required(const std::map<std::string, std::string>& values,
                            const std::string& key) {
    auto found = values.find(key);
    if (found == values.end()) throw Error(Errc::Io, "local-pebble env file lacks " + key);
    return found->second;
}

int to_int(const std::string& text, const std::string& key) {
    try {
        return std::stoi(text);
    } catch (const std::logic_error&) {
        throw Error(Errc::Io, "local-pebble env file: " + key + " is not a number: " + text);
    }
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
            out += escaped;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string fully_qualified(const std::string& host) {
    return !host.empty() && host.back() == '.' ? host : host + ".";
}

std::vector<std::string> start_environment(const PebbleOptions& options) {
    std::vector<std::string> env;
    if (options.nonce_reject_percent) {
        env.push_back("PEBBLE_WFE_NONCEREJECT=" + std::to_string(*options.nonce_reject_percent));
    }
    if (options.alternate_roots) {
        env.push_back("PEBBLE_ALTERNATE_ROOTS=" + std::to_string(*options.alternate_roots));
    }
    if (!options.eab_kid.empty() || !options.eab_key.empty()) {
        env.push_back("PEBBLE_EAB_KID=" + options.eab_kid);
        env.push_back("PEBBLE_EAB_KEY=" + options.eab_key);
    }
    env.push_back("CHALLTESTSRV_DEFAULT_IPV4=" + options.dns_ipv4);
    env.push_back("CHALLTESTSRV_DEFAULT_IPV6=" + options.dns_ipv6);
    env.insert(env.end(), options.extra_env.begin(), options.extra_env.end());
    return env;
}

}  // namespace

PebbleFixture::Guard::Guard(const std::filesystem::path& dir)
    : dir_(dir), process_({local_pebble_script(), "guard", dir.string()}, [] {
          ProcessOptions options;
          options.stdin_pipe = true;
          // Out of the terminal's process group, so Ctrl-C kills the test but not its cleanup.
          options.new_session = true;
          return options;
      }()) {}

void PebbleFixture::Guard::release() noexcept {
    if (released_) return;
    released_ = true;
    process_.close_stdin();
    std::optional<int> exit_code;
    try {
        exit_code = process_.wait_for_exit(60s);
        if (exit_code != 0) run_command({local_pebble_script(), "stop", "--clean", dir_.string()});
    } catch (const Error&) {
        // Nothing else to try from a destructor; the guard's own output says what went wrong.
    }
}

PebbleFixture::PebbleFixture(const PebbleOptions& options)
    : dir_((become_subreaper(), make_temp_dir())), guard_(dir_) {
    CommandResult started = run_command({local_pebble_script(), "start", dir_.string()},
                                        start_environment(options), 60s);
    if (started.exit_code != 0) {
        throw Error(Errc::Io, "scripts/local-pebble start failed (exit " +
                                  std::to_string(started.exit_code) + "): " + started.stderr_text);
    }
    auto env = read_env_file(dir_ / "env");
    pebble_pid_ = to_int(required(env, "PEBBLE_PID"), "PEBBLE_PID");
    challtestsrv_pid_ = to_int(required(env, "CHALLTESTSRV_PID"), "CHALLTESTSRV_PID");
    directory_url_ = required(env, "PEBBLE_DIRECTORY");
    tls_ca_path_ = required(env, "PEBBLE_TLS_CA");
    issuing_root_path_ = required(env, "PEBBLE_ROOT");
    management_url_ = required(env, "PEBBLE_MANAGEMENT");
    http_port_ = to_int(required(env, "PEBBLE_HTTP_PORT"), "PEBBLE_HTTP_PORT");
    tls_port_ = to_int(required(env, "PEBBLE_TLS_PORT"), "PEBBLE_TLS_PORT");
    challtestsrv_url_ = required(env, "CHALLTESTSRV_MANAGEMENT");
}

PebbleFixture::~PebbleFixture() {
    guard_.release();
    reap_if_our_child(pebble_pid_);
    reap_if_our_child(challtestsrv_pid_);
}

void PebbleFixture::set_txt(const std::string& host, const std::string& value) {
    post_to_challtestsrv("/set-txt", "{\"host\":" + json_string(fully_qualified(host)) +
                                         ",\"value\":" + json_string(value) + "}");
}

void PebbleFixture::clear_txt(const std::string& host) {
    post_to_challtestsrv("/clear-txt", "{\"host\":" + json_string(fully_qualified(host)) + "}");
}

void PebbleFixture::post_to_challtestsrv(const std::string& path, const std::string& json_body) {
    CommandResult posted = run_command({"curl", "--fail", "--silent", "--show-error", "--max-time",
                                        "5", "--data-binary", json_body, challtestsrv_url_ + path},
                                       {}, 10s);
    if (posted.exit_code != 0) {
        throw Error(Errc::Network, "challtestsrv " + path + " failed: " + posted.stderr_text);
    }
}

}  // namespace hwacme::test
