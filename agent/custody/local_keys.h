#pragma once

#include <map>
#include <memory>

#include "agent/custody/key_plan.h"
#include "agent/custody/run_keys.h"
#include "agent/signing/key_signer.h"
#include "keystore/registry.h"

namespace hwacme::custody {

/// The run's keys opened in this process, through the keystore backends: custody's keys, or
/// those of a run in one process (--single-process). Each device is opened on first use, so a
/// run that fails before it needs a key loads no module and opens no TPM.
class LocalKeys final : public RunKeys {
public:
    LocalKeys(keystore::Registry registry, KeyPlan plan, keystore::KeystoreOptions options);
    ~LocalKeys() override;

    const HeldKey& key(KeyRole role) override;
    void store_certificate(X509* certificate) override;
    const HeldKey& select_certificate(const std::string& certificate, std::uint32_t generation,
                                      const KeySpec& spec) override;
    void destroy_key(const std::string& certificate, const std::string& key_uri) override;

private:
    struct Opened;

    keystore::Registry registry_;
    KeyPlan plan_;
    keystore::KeystoreOptions options_;
    std::map<KeyRole, std::unique_ptr<Opened>> opened_;

    const HeldKey& open(KeyRole role, const KeySpec& spec);
};

}  // namespace hwacme::custody
