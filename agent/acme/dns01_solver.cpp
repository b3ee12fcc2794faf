#include "agent/acme/dns01_solver.h"

#include <thread>

#include "common/base64url.h"
#include "common/child_process.h"
#include "common/error.h"
#include "common/log.h"
#include "keystore/key.h"

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

namespace {

// Removing a record must not hang a run either, and may happen after the issuance's deadline
// has passed (that is often why it is being removed).
constexpr std::chrono::seconds kCleanupTime{60};

}  // namespace

ChildOutcome LocalDnsHook::run(const std::string& action, const std::string& record,
                               const std::string& value,
                               std::optional<std::chrono::steady_clock::time_point> deadline) {
    // Like a deploy hook, it has no use for the token PIN.
    auto outcome =
        run_child({program_, action, record, value},
                  {.set = {}, .remove = {"HWACME_PKCS11_PIN", "HWACME_PKCS11_PIN_FILE"}}, deadline);
    if (outcome.start_error != 0)
        throw Error(Errc::NotFound,
                    "cannot run the DNS hook " + program_ + ": " + outcome.describe());
    return outcome;
}

void Dns01HookSolver::present(const Identifier& identifier, const std::string&,
                              const std::string& key_authorization) {
    auto record = dns01_record_name(identifier);
    auto outcome = hook_->run("add", record, dns01_txt_value(key_authorization), deadline_);
    if (!outcome.succeeded())
        throw Error(Errc::InvalidArgument, "the DNS hook " + hook_->program() + " failed to add " +
                                               record + " (" + outcome.describe() + ")");
    log::info("DNS hook added TXT " + record);
}

void Dns01HookSolver::cleanup(const Identifier& identifier, const std::string&,
                              const std::string& key_authorization) noexcept {
    try {
        auto record = dns01_record_name(identifier);
        auto outcome = hook_->run("remove", record, dns01_txt_value(key_authorization),
                                  std::chrono::steady_clock::now() + kCleanupTime);
        if (!outcome.succeeded())
            log::warning("the DNS hook " + hook_->program() + " failed to remove " + record + " (" +
                         outcome.describe() + ")");
    } catch (const std::exception& e) {
        log::warning(std::string("the DNS hook could not remove a record: ") + e.what());
    }
}

void Dns01HookSolver::ready() {
    if (propagation_wait_.count() <= 0) return;
    if (deadline_ && std::chrono::steady_clock::now() + propagation_wait_ > *deadline_)
        throw Error(Errc::InvalidArgument, "the DNS propagation wait of " +
                                               std::to_string(propagation_wait_.count()) +
                                               " s would run past the time allowed for this run");
    log::info("waiting " + std::to_string(propagation_wait_.count()) + " s for DNS propagation");
    std::this_thread::sleep_for(propagation_wait_);
}

}  // namespace hwacme::acme
