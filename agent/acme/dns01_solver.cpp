#include "agent/acme/dns01_solver.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "common/base64url.h"
#include "common/error.h"
#include "common/log.h"
#include "keystore/key.h"

extern char** environ;

namespace hwacme::acme {

std::string dns01_txt_value(const std::string& key_authorization) {
    return base64url_encode(
        keystore::digest(keystore::HashAlg::Sha256, as_bytes(key_authorization)));
}

std::string dns01_record_name(const Identifier& identifier) {
    std::string name = identifier.value;
    if (name.starts_with("*.")) name = name.substr(2);
    while (!name.empty() && name.back() == '.') name.pop_back();
    return "_acme-challenge." + name;
}

int run_hook(const std::string& program, const std::vector<std::string>& args) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv.data(), environ);
    if (rc != 0)
        throw Error(Errc::NotFound, "cannot run the hook " + program + ": " + std::strerror(rc));
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw Error(Errc::Io,
                        "cannot wait for the hook " + program + ": " + std::strerror(errno));
    }
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

void Dns01HookSolver::present(const Identifier& identifier, const std::string&,
                              const std::string& key_authorization) {
    auto record = dns01_record_name(identifier);
    int status = run_hook(hook_, {"add", record, dns01_txt_value(key_authorization)});
    if (status != 0)
        throw Error(Errc::InvalidArgument, "the DNS hook " + hook_ + " failed to add " + record +
                                               " (exit " + std::to_string(status) + ")");
    log::info("DNS hook added TXT " + record);
}

void Dns01HookSolver::cleanup(const Identifier& identifier, const std::string&,
                              const std::string& key_authorization) noexcept {
    try {
        auto record = dns01_record_name(identifier);
        int status = run_hook(hook_, {"remove", record, dns01_txt_value(key_authorization)});
        if (status != 0)
            log::warning("the DNS hook " + hook_ + " failed to remove " + record + " (exit " +
                         std::to_string(status) + ")");
    } catch (const std::exception& e) {
        log::warning(std::string("the DNS hook could not remove a record: ") + e.what());
    }
}

void Dns01HookSolver::ready() {
    if (propagation_wait_.count() <= 0) return;
    log::info("waiting " + std::to_string(propagation_wait_.count()) + " s for DNS propagation");
    std::this_thread::sleep_for(propagation_wait_);
}

}  // namespace hwacme::acme
