#define OPENSSL_SUPPRESS_DEPRECATED
#include "bench/pkcs11/bare_signers.h"

#include <dlfcn.h>

#include <cstring>
#include <stdexcept>

#include <libp11.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "common/c_handle.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::bench {
namespace {

void require(bool ok, const std::string& what) {
    if (!ok) throw std::runtime_error("bench setup failed: " + what);
}

const CK_FUNCTION_LIST& fl(const void* f) {
    return *static_cast<const CK_FUNCTION_LIST*>(f);
}

}  // namespace

BareCSign::BareCSign(const std::string& module_path, const std::string& token_label,
                     const std::string& key_label, bool ec, const std::string& pin)
    : mechanism_(ec ? CKM_ECDSA : CKM_RSA_PKCS), out_(512) {
    library_ = dlopen(module_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    require(library_, "dlopen " + module_path);
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(library_, "C_GetFunctionList"));
    CK_FUNCTION_LIST* list = nullptr;
    require(get_list && get_list(&list) == CKR_OK, "C_GetFunctionList");
    functions_ = list;
    CK_RV initialised = list->C_Initialize(nullptr);
    require(initialised == CKR_OK || initialised == CKR_CRYPTOKI_ALREADY_INITIALIZED,
            "C_Initialize");
    initialised_here_ = initialised == CKR_OK;
    CK_ULONG n = 0;
    require(list->C_GetSlotList(CK_TRUE, nullptr, &n) == CKR_OK, "C_GetSlotList");
    std::vector<CK_SLOT_ID> slots(n);
    require(list->C_GetSlotList(CK_TRUE, slots.data(), &n) == CKR_OK, "C_GetSlotList");
    for (CK_SLOT_ID slot : slots) {
        CK_TOKEN_INFO info{};
        list->C_GetTokenInfo(slot, &info);
        std::string label(reinterpret_cast<char*>(info.label), sizeof info.label);
        label.erase(label.find_last_not_of(' ') + 1);
        if (label != token_label) continue;
        CK_SESSION_HANDLE session = 0;
        require(list->C_OpenSession(slot, CKF_SERIAL_SESSION, nullptr, nullptr, &session) == CKR_OK,
                "C_OpenSession");
        session_ = session;
    }
    require(session_ != 0, "token " + token_label);
    if (initialised_here_) {
        CK_RV rv = list->C_Login(session_, CKU_USER,
                                 reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.data())),
                                 pin.size());
        require(rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN, "C_Login");
    }
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE match[] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_LABEL, const_cast<char*>(key_label.data()), key_label.size()}};
    CK_ULONG found = 0;
    CK_OBJECT_HANDLE key = 0;
    require(list->C_FindObjectsInit(session_, match, 2) == CKR_OK, "C_FindObjectsInit");
    list->C_FindObjects(session_, &key, 1, &found);
    list->C_FindObjectsFinal(session_);
    require(found == 1, "key " + key_label);
    key_ = key;
}

BareCSign::~BareCSign() {
    fl(functions_).C_CloseSession(session_);
    if (initialised_here_) fl(functions_).C_Finalize(nullptr);
    dlclose(library_);
}

std::size_t BareCSign::sign(ByteView data) {
    CK_MECHANISM m{mechanism_, nullptr, 0};
    auto& f = fl(functions_);
    CK_ULONG len = out_.size();
    if (f.C_SignInit(session_, &m, key_) != CKR_OK ||
        f.C_Sign(session_, const_cast<std::uint8_t*>(data.data()), data.size(), out_.data(),
                 &len) != CKR_OK)
        throw std::runtime_error("bare C_Sign failed");
    return len;
}

struct BareLibp11::Impl {
    PKCS11_CTX* ctx = nullptr;
    PKCS11_SLOT* slots = nullptr;
    unsigned int nslots = 0;
    EvpPkeyPtr pkey;

    ~Impl() {
        // hardware.md: the EVP_PKEY goes before the slots, the slots before the module.
        pkey.reset();
        if (slots) PKCS11_release_all_slots(ctx, slots, nslots);
        PKCS11_CTX_unload(ctx);
        PKCS11_CTX_free(ctx);
    }
};

BareLibp11::BareLibp11(const std::string& module_path, const std::string& token_label,
                       const std::string& key_label, const std::string& pin)
    : impl_(std::make_unique<Impl>()) {
    impl_->ctx = PKCS11_CTX_new();
    require(PKCS11_CTX_load(impl_->ctx, module_path.c_str()) == 0, "PKCS11_CTX_load");
    require(PKCS11_enumerate_slots(impl_->ctx, &impl_->slots, &impl_->nslots) == 0,
            "PKCS11_enumerate_slots");
    PKCS11_SLOT* slot = nullptr;
    for (unsigned int i = 0; i < impl_->nslots; ++i) {
        PKCS11_TOKEN* t = impl_->slots[i].token;
        if (t && t->initialized && std::string(t->label) == token_label) slot = &impl_->slots[i];
    }
    require(slot, "token " + token_label);
    require(PKCS11_login(slot, 0, pin.c_str()) == 0, "PKCS11_login");
    PKCS11_KEY* keys = nullptr;
    unsigned int nkeys = 0;
    require(PKCS11_enumerate_keys(slot->token, &keys, &nkeys) == 0, "PKCS11_enumerate_keys");
    for (unsigned int i = 0; i < nkeys; ++i)
        if (key_label == keys[i].label) impl_->pkey.reset(PKCS11_get_private_key(&keys[i]));
    require(impl_->pkey != nullptr, "key " + key_label);
}

BareLibp11::~BareLibp11() = default;

std::size_t BareLibp11::sign(ByteView digest) {
    EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new(impl_->pkey.get(), nullptr));
    unsigned char sig[512];
    std::size_t len = sizeof sig;
    bool rsa = EVP_PKEY_get_base_id(impl_->pkey.get()) == EVP_PKEY_RSA;
    if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
        (rsa && (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1 ||
                 EVP_PKEY_CTX_set_signature_md(ctx.get(), EVP_sha256()) != 1)) ||
        EVP_PKEY_sign(ctx.get(), sig, &len, digest.data(), digest.size()) != 1)
        throw std::runtime_error("libp11 EVP_PKEY_sign failed");
    return len;
}

}  // namespace hwacme::bench
