#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <vector>

#include "agent/config/config.h"
#include "agent/custody/managed_certificates.h"
#include "agent/manage/certificate_state.h"
#include "agent/service/custody_run.h"
#include "agent/service/managed_run.h"

namespace hwacme::service {

/// Custody's rules for the certificates of one `renew` run, from the configuration and from
/// each certificate's state as it was before the network process started (that process writes
/// the state from then on, so what it writes may widen nothing):
/// - a key of policy reuse is the configured URI, generation 0; a rotating key is the next
///   generation after the last one used, or the one a pending renewal was begun with;
/// - a key is destroyed only when the state shows it retired and past its grace period, it was
///   retired or serving when the run began, and it is neither current nor pending; a dry run
///   destroys only the keys it generated;
/// - a deploy hook is the configured program, with the event built from the state's current
///   release, run at most once per certificate and run; a dry run runs none.
class ManagedCustody final : public custody::ManagedCertificates {
public:
    ManagedCustody(std::vector<config::CertificateConfig> certificates,
                   std::filesystem::path state_dir, bool dry_run);

    custody::KeySpec key_of(const std::string& certificate,
                            std::uint32_t generation) const override;
    void allow_destroy(const std::string& certificate, const std::string& key_uri,
                       bool generated_now) const override;
    custody::HookReply deploy(const std::string& certificate) const override;

private:
    const config::CertificateConfig& certificate(const std::string& name) const;

    std::vector<config::CertificateConfig> certificates_;
    std::filesystem::path state_dir_;
    bool dry_run_;
    std::map<std::string, manage::CertificateState> at_start_;
    mutable std::set<std::string> deployed_;  ///< certificates whose hook ran in this run
};

/// What custody holds and agrees to for `renew`: the configured account key, each selected
/// certificate's identifiers, keys, DNS and deploy hooks, the configured EAB. A dry run's
/// scratch folder is made here, named in `request`, and removed by custody after the run.
CustodyPlan renew_custody_plan(const RunOptions& command_line, ManagedRunRequest& request);

}  // namespace hwacme::service
