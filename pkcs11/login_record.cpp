#include "pkcs11/login_record.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "common/c_handle.h"
#include "common/openssl_error.h"

namespace hwacme::pkcs11 {

LoginRecord::LoginRecord() {
    if (RAND_bytes(salt_.data(), static_cast<int>(salt_.size())) != 1)
        throw_openssl("cannot draw a salt for the PIN record");
}

LoginRecord::Digest LoginRecord::digest(std::string_view pin) const {
    Digest out{};
    unsigned int length = 0;
    CHandle<EVP_MD_CTX, &EVP_MD_CTX_free> context(EVP_MD_CTX_new());
    if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(context.get(), salt_.data(), salt_.size()) != 1 ||
        EVP_DigestUpdate(context.get(), pin.data(), pin.size()) != 1 ||
        EVP_DigestFinal_ex(context.get(), out.data(), &length) != 1)
        throw_openssl("cannot digest the PIN");
    return out;
}

void LoginRecord::remember(const std::string& token, std::string_view pin) {
    auto value = digest(pin);
    std::lock_guard lock(mutex_);
    digests_[token] = value;
}

bool LoginRecord::matches(const std::string& token, std::string_view pin) const {
    auto value = digest(pin);
    std::lock_guard lock(mutex_);
    auto found = digests_.find(token);
    return found == digests_.end() ||
           CRYPTO_memcmp(found->second.data(), value.data(), value.size()) == 0;
}

}  // namespace hwacme::pkcs11
