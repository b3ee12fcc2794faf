#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "keystore/keystore.h"
#include "tpm/esys_context.h"
#include "tpm/tpm_connection.h"
#include "tpm/tpm_location.h"

struct TPM2B_PUBLIC;

namespace hwacme::tpm {

/// The `tpm2:` keystore over one TPM. Connects on first use (a folder listing needs no TPM) and
/// shares the connection with the keys it hands out, which may outlive it. Not thread-safe.
class TpmKeystore final : public keystore::Keystore,
                          public keystore::KeyListing,
                          public keystore::KeyRemoval,
                          public keystore::CustodyDescription {
public:
    TpmKeystore(std::string tcti, bool allow_extractable, TpmSharing sharing = {})
        : tcti_(std::move(tcti)),
          allow_extractable_(allow_extractable),
          sharing_(std::move(sharing)) {}

    std::unique_ptr<keystore::Key> open(const keystore::KeyUri& uri) override;
    std::unique_ptr<keystore::Key> generate(const keystore::KeyUri& uri,
                                            keystore::KeyType type) override;
    keystore::KeyListing* listing() override { return this; }
    keystore::KeyRemoval* removal() override { return this; }
    keystore::CustodyDescription* custody_description() override { return this; }
    // tpm_inventory.cpp:
    std::vector<keystore::KeyInfo> list(const keystore::KeyUri& uri) override;
    void remove(const keystore::KeyUri& uri) override;
    std::vector<std::pair<std::string, std::string>> describe(const keystore::KeyUri& uri) override;

private:
    TpmConnection& tpm();
    std::unique_ptr<keystore::Key> make_key(TrHandle object, const TPM2B_PUBLIC& pub,
                                            const TpmLocation& loc, AuthValue auth,
                                            EsysTr salt_key);
    std::vector<keystore::KeyInfo> list_handles();
    std::vector<keystore::KeyInfo> list_folder(const std::string& folder);
    std::string manufacturer();

    std::string tcti_;
    bool allow_extractable_;
    TpmSharing sharing_;
    std::shared_ptr<TpmConnection> tpm_;
};

/// TPM2_ReadPublic (Part 3 §12.4) of a loaded or persistent object.
TPM2B_PUBLIC read_public(TpmConnection& tpm, EsysTr object, const std::string& what);

}  // namespace hwacme::tpm
