#include "pkcs11/pkcs11_keystore.h"

#include "common/error.h"

namespace hwacme::pkcs11 {

std::unique_ptr<keystore::Keystore> open_keystore(const keystore::KeyUri& uri,
                                                  const keystore::KeystoreOptions&) {
    throw Error(Errc::NotImplemented,
                "the PKCS#11 keystore backend is not built yet (URI " + uri.original() + ")");
}

}  // namespace hwacme::pkcs11
