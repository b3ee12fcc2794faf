#pragma once

#include "agent/acme/account.h"
#include "agent/custody/custody_client.h"

namespace hwacme::custody {

/// The inner JWS of `account rollover` as the network process gets it: custody builds and signs
/// it with the new account key, naming the old account key it holds (the old key the network
/// process passes is not used).
class RemoteKeyChange final : public acme::KeyChangeSigner {
public:
    explicit RemoteKeyChange(const CustodyClient& client) : client_(client) {}

    std::string inner_jws(const std::string& url, const std::string& account_url,
                          const EVP_PKEY* old_key) const override;

private:
    const CustodyClient& client_;
};

}  // namespace hwacme::custody
