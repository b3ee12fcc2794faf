#pragma once

#include "agent/acme/account.h"
#include "agent/custody/custody_client.h"

namespace hwacme::custody {

/// The External Account Binding as the network process makes it: custody holds the MAC key and
/// binds the account key it holds, for the key id the run was given.
class RemoteAccountBinding final : public acme::AccountBinding {
public:
    RemoteAccountBinding(const CustodyClient& client, std::string kid)
        : client_(client), kid_(std::move(kid)) {}

    std::string bind(const signing::RequestSigner& account_key,
                     const std::string& url) const override;

private:
    const CustodyClient& client_;
    std::string kid_;
};

}  // namespace hwacme::custody
