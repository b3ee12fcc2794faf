#include "tpm/tpm_keystore.h"

#include "common/error.h"

namespace hwacme::tpm {

std::unique_ptr<keystore::Keystore> open_keystore(const keystore::KeyUri& uri,
                                                  const keystore::KeystoreOptions&) {
    throw Error(Errc::NotImplemented,
                "the TPM keystore backend is not built yet (URI " + uri.original() + ")");
}

}  // namespace hwacme::tpm
