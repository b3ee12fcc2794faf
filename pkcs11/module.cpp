// libp11.h pulls in deprecated OpenSSL declarations (RSA_METHOD, ENGINE); this file only calls
// libp11's own functions, so the deprecation warnings are silenced here alone (hardware.md).
#define OPENSSL_SUPPRESS_DEPRECATED
#include "pkcs11/module.h"

#include <dlfcn.h>

#include <filesystem>
#include <map>

#include <libp11.h>

#include "common/c_handle.h"
#include "common/library_noise.h"
#include "common/openssl_error.h"
#include "pkcs11/ckr.h"

// Last, and its field-name macros are #undef'd at its end (hardware.md: the p11-kit clash).
#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
namespace {

void unload_ctx(PKCS11_CTX* ctx) {
    PKCS11_CTX_unload(ctx);
    PKCS11_CTX_free(ctx);
}
using CtxPtr = CHandle<PKCS11_CTX, &unload_ctx>;

std::string trimmed(const char* text) {
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
}

// Keystores opened one after another reuse a live Module; a released one is loaded afresh.
std::mutex cache_mutex;
std::map<std::string, std::weak_ptr<Module>> cache;

}  // namespace

bool TokenInfo::matches(const TokenSelector& s) const {
    return (!s.label || *s.label == label) &&
           (!s.manufacturer || *s.manufacturer == manufacturer) &&
           (!s.serial || *s.serial == serial) && (!s.model || *s.model == model);
}

// Members are destroyed bottom-up: our C_Finalize (when we initialised a separate instance),
// dlclose, the slot list, then libp11's unload, which calls C_Finalize on its own instance.
struct Module::Impl {
    CtxPtr ctx;
    PKCS11_SLOT* slots = nullptr;
    unsigned int nslots = 0;
    std::unique_ptr<void, int (*)(void*)> library{nullptr, &dlclose};
    CK_FUNCTION_LIST* functions = nullptr;
    bool we_initialised = false;

    ~Impl() {
        if (we_initialised) functions->C_Finalize(nullptr);
        library.reset();
        if (slots) PKCS11_release_all_slots(ctx.get(), slots, nslots);
    }
};

Module::Module(std::string path) : path_(std::move(path)), impl_(std::make_unique<Impl>()) {
    if (path_.find('/') != std::string::npos && !std::filesystem::exists(path_))
        throw Error(Errc::NotFound, "PKCS#11 module '" + path_ + "' does not exist");
    // The p11-kit proxy loads every module on the machine; tpm2-pkcs11 then probes TPMs nobody
    // named and prints what it could not open.
    quiet_tss_logs();
    QuietStderr quiet;
    impl_->ctx.reset(PKCS11_CTX_new());
    if (!impl_->ctx) throw_openssl("cannot create a libp11 context", Errc::DeviceFailure);
    if (PKCS11_CTX_load(impl_->ctx.get(), path_.c_str()) != 0) {
        // A failed load leaves nothing to unload; PKCS11_CTX_free alone is right here.
        PKCS11_CTX_free(impl_->ctx.release());
        throw_openssl("cannot load PKCS#11 module '" + path_ + "'", Errc::DeviceFailure);
    }
    // Read once per Module: libp11 0.4.12's PKCS11_update_slots crashes on SoftHSM's renumbered
    // slots, and PKCS11_release_all_slots calls C_CloseAllSessions, ending every session (and
    // the login) of this process on those slots (both measured).
    if (PKCS11_enumerate_slots(impl_->ctx.get(), &impl_->slots, &impl_->nslots) != 0)
        throw_openssl("cannot list the slots of PKCS#11 module '" + path_ + "'",
                      Errc::DeviceFailure);

    // dlopen of the path libp11 loaded returns the same library, so C_GetFunctionList returns
    // the module's function list. A proxy (p11-kit) may hand out a fresh instance per call:
    // then C_Initialize succeeds and that instance is ours to finalise.
    // RTLD_NODELETE keeps the module mapped until the process exits: a module may leave a
    // thread or an atexit handler behind (tpm2-pkcs11 leaves allocations its own frames must
    // explain to a leak checker), and unmapping code still referenced crashes at exit.
    impl_->library.reset(dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE));
    if (!impl_->library)
        throw Error(Errc::DeviceFailure,
                    "cannot load PKCS#11 module '" + path_ + "': " + dlerror());
    auto get_list =
        reinterpret_cast<CK_C_GetFunctionList>(dlsym(impl_->library.get(), "C_GetFunctionList"));
    if (!get_list)
        throw Error(Errc::DeviceFailure,
                    "'" + path_ + "' is not a PKCS#11 module: no C_GetFunctionList");
    check_rv("C_GetFunctionList", get_list(&impl_->functions), path_);
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = impl_->functions->C_Initialize(&args);
    if (rv == CKR_OK)
        impl_->we_initialised = true;
    else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
        throw_ckr("C_Initialize", rv, path_);
    functions_ = impl_->functions;
}

Module::~Module() = default;

std::shared_ptr<Module> Module::load(const std::string& path) {
    std::lock_guard lock(cache_mutex);
    if (auto live = cache[path].lock()) return live;
    std::shared_ptr<Module> module(new Module(path));
    cache[path] = module;
    return module;
}

std::vector<TokenInfo> Module::tokens() {
    std::lock_guard lock(mutex_);
    std::vector<TokenInfo> out;
    for (unsigned int i = 0; i < impl_->nslots; ++i) {
        PKCS11_SLOT* slot = &impl_->slots[i];
        // SoftHSM always offers one empty, uninitialised token: it is no candidate.
        if (!slot->token || !slot->token->initialized) continue;
        const PKCS11_TOKEN* t = slot->token;
        out.push_back({trimmed(t->label), trimmed(t->manufacturer), trimmed(t->model),
                       trimmed(t->serialnr), PKCS11_get_slotid_from_slot(slot),
                       t->loginRequired != 0, t->secureLogin != 0, t->userPinLocked != 0});
    }
    return out;
}

TokenInfo Module::select(const TokenSelector& selector) {
    std::vector<TokenInfo> found;
    for (auto& token : tokens())
        if (token.matches(selector)) found.push_back(token);
    if (found.empty())
        throw Error(Errc::NotFound,
                    "no PKCS#11 token with " + selector.describe() + " in module '" + path_ + "'");
    if (found.size() > 1) {
        std::string serials;
        for (auto& token : found) serials += (serials.empty() ? "" : ", ") + token.serial;
        throw Error(Errc::InvalidUri, std::to_string(found.size()) + " PKCS#11 tokens match " +
                                          selector.describe() + " (serials " + serials +
                                          "): add serial= to the URI to pick one");
    }
    return found.front();
}

void* Module::libp11_token(unsigned long slot_id) {
    std::lock_guard lock(mutex_);
    for (unsigned int i = 0; i < impl_->nslots; ++i)
        if (PKCS11_get_slotid_from_slot(&impl_->slots[i]) == slot_id) return impl_->slots[i].token;
    return nullptr;
}

}  // namespace hwacme::pkcs11
