#pragma once

#include <memory>
#include <string>

#include "common/bytes.h"

namespace hwacme::bench {

/// C_SignInit + C_Sign on its own session, with nothing around it: the floor the keystore is
/// measured against. Uses the login the keystore made (PKCS#11 login state is per process), so
/// a keystore on the same token must be open for as long as this lives. A proxy (p11-kit) may
/// hand this loop an instance of its own: then it initialises it and logs in with `pin`.
class BareCSign {
public:
    BareCSign(const std::string& module_path, const std::string& token_label,
              const std::string& key_label, bool ec, const std::string& pin = {});
    ~BareCSign();
    BareCSign(const BareCSign&) = delete;
    BareCSign& operator=(const BareCSign&) = delete;
    /// Signs `data` (an EC digest, or an RSA DigestInfo) and returns the signature length.
    std::size_t sign(ByteView data);

private:
    void* library_ = nullptr;
    const void* functions_ = nullptr;
    unsigned long session_ = 0;
    unsigned long key_ = 0;
    unsigned long mechanism_ = 0;
    bool initialised_here_ = false;
    Bytes out_;
};

/// libp11's own path: its EVP_PKEY for the token key, signed with EVP_PKEY_sign (DER for EC).
/// Has its own libp11 context; its unload finalises the module for the whole process, so it
/// is destroyed last.
class BareLibp11 {
public:
    BareLibp11(const std::string& module_path, const std::string& token_label,
               const std::string& key_label, const std::string& pin);
    ~BareLibp11();
    BareLibp11(const BareLibp11&) = delete;
    BareLibp11& operator=(const BareLibp11&) = delete;
    std::size_t sign(ByteView digest);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hwacme::bench
