#include "tests/tpm/swtpm_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace hwacme::test {
namespace {

using namespace std::chrono_literals;

// A loopback TCP socket, closed on scope exit.
struct Socket {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ~Socket() {
        if (fd >= 0) ::close(fd);
    }
};

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

bool can_bind(std::uint16_t port) {
    Socket s;
    sockaddr_in addr = loopback(port);
    return s.fd >= 0 && ::bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

bool accepts(std::uint16_t port) {
    Socket s;
    sockaddr_in addr = loopback(port);
    return s.fd >= 0 && ::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

// An ephemeral port P the kernel just handed out, with P+1 free as well.
std::uint16_t free_port_pair() {
    for (int attempt = 0; attempt < 100; ++attempt) {
        Socket s;
        sockaddr_in addr = loopback(0);
        socklen_t len = sizeof addr;
        if (::bind(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
            ::getsockname(s.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            continue;
        std::uint16_t port = ntohs(addr.sin_port);
        if (port < 65535 && can_bind(static_cast<std::uint16_t>(port + 1))) return port;
    }
    throw std::runtime_error("no free pair of loopback ports for swtpm");
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

void require_tool(const std::string& tool, const std::string& debian_package) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');)
        if (!dir.empty() && ::access((dir + "/" + tool).c_str(), X_OK) == 0) return;
    throw std::runtime_error(tool + " not found in PATH: install the Debian package " +
                             debian_package);
}

SwtpmFixture::SwtpmFixture() {
    require_tool("swtpm", "swtpm");
    std::string templ = (std::filesystem::temp_directory_path() / "hwacme-swtpm-XXXXXX").string();
    if (!::mkdtemp(templ.data())) throw std::runtime_error("cannot create a swtpm state folder");
    dir_ = templ;
    try {
        port_ = free_port_pair();
        start();
    } catch (...) {
        std::filesystem::remove_all(dir_);
        throw;
    }
}

SwtpmFixture::~SwtpmFixture() {
    process_.reset();  // Process's destructor: SIGTERM, SIGKILL after a grace, reap
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string SwtpmFixture::tcti() const {
    return "swtpm:host=127.0.0.1,port=" + std::to_string(port_);
}

void SwtpmFixture::start() {
    const std::string server = "type=tcp,port=" + std::to_string(port_) + ",bindaddr=127.0.0.1";
    const std::string ctrl = "type=tcp,port=" + std::to_string(port_ + 1) + ",bindaddr=127.0.0.1";
    ProcessOptions options;
    options.stdout_path = dir_ / "swtpm.log";
    options.stderr_path = dir_ / "swtpm.log";
    // Without not-need-init and startup-clear every command fails with TPM_RC_INITIALIZE.
    process_.emplace(std::vector<std::string>{"swtpm", "socket", "--tpm2", "--tpmstate",
                                              "dir=" + dir_.string(), "--server", server, "--ctrl",
                                              ctrl, "--flags", "not-need-init,startup-clear"},
                     options);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!(accepts(port_) && accepts(static_cast<std::uint16_t>(port_ + 1)))) {
        if (process_->wait_for_exit(0ms) || std::chrono::steady_clock::now() > deadline) {
            process_.reset();
            throw std::runtime_error("swtpm did not start on port " + std::to_string(port_) + ": " +
                                     read_text(dir_ / "swtpm.log"));
        }
        std::this_thread::sleep_for(20ms);
    }
}

void SwtpmFixture::stop() {
    if (process_) process_->terminate();
    process_.reset();
}

void SwtpmFixture::kill() {
    if (process_) {
        ::kill(process_->pid(), SIGKILL);
        process_->wait_for_exit(5s);
    }
    process_.reset();
}

void SwtpmFixture::restart() {
    stop();
    start();
}

CommandResult SwtpmFixture::tpm2_tool(std::vector<std::string> argv) const {
    require_tool(argv.at(0), "tpm2-tools");
    return run_command(argv, {"TPM2TOOLS_TCTI=" + tcti()});
}

}  // namespace hwacme::test
