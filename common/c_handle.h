#pragma once

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace hwacme {

/// Deleter for a C handle freed by a function taking the pointer: RAII for every C API we call.
template <auto Free>
struct CDeleter {
    template <class T>
    void operator()(T* p) const noexcept {
        if (p) Free(p);
    }
};

template <class T, auto Free>
using CHandle = std::unique_ptr<T, CDeleter<Free>>;

using EvpPkeyPtr = CHandle<EVP_PKEY, &EVP_PKEY_free>;
using EvpPkeyCtxPtr = CHandle<EVP_PKEY_CTX, &EVP_PKEY_CTX_free>;
using EvpMdCtxPtr = CHandle<EVP_MD_CTX, &EVP_MD_CTX_free>;
using BioPtr = CHandle<BIO, &BIO_free_all>;
using BignumPtr = CHandle<BIGNUM, &BN_free>;
using EcdsaSigPtr = CHandle<ECDSA_SIG, &ECDSA_SIG_free>;
using X509Ptr = CHandle<X509, &X509_free>;
using X509ReqPtr = CHandle<X509_REQ, &X509_REQ_free>;
using X509NamePtr = CHandle<X509_NAME, &X509_NAME_free>;

}  // namespace hwacme
