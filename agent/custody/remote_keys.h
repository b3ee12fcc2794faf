#pragma once

#include <map>
#include <memory>

#include "agent/custody/custody_client.h"
#include "agent/custody/run_keys.h"

namespace hwacme::custody {

/// The run's keys as the network process holds them: by role, in the custody process. Asking
/// for a key asks custody for its public half, which opens (or generates) it there.
class RemoteKeys final : public RunKeys {
public:
    explicit RemoteKeys(const CustodyClient& client);
    ~RemoteKeys() override;

    const HeldKey& key(KeyRole role) override;
    void store_certificate(X509* certificate) override;
    const HeldKey& select_certificate(const std::string& certificate, std::uint32_t generation,
                                      const KeySpec& spec) override;
    void destroy_key(const std::string& certificate, const std::string& key_uri) override;

private:
    struct Remote;

    const CustodyClient& client_;
    std::map<KeyRole, std::unique_ptr<Remote>> remote_;

    const HeldKey& held(KeyRole role, const Response& reply);
};

}  // namespace hwacme::custody
