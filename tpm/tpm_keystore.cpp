#include "tpm/tpm_keystore.h"

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <openssl/crypto.h>

#include "common/error.h"
#include "tpm/key_file.h"
#include "tpm/key_object.h"
#include "tpm/tpm_key.h"
#include "tpm/tpm_public.h"
#include "tpm/tpm_store.h"

namespace hwacme::tpm {
namespace {

using keystore::Key;
using keystore::KeyType;
using keystore::KeyUri;

constexpr const char* kDefaultTcti = "device:/dev/tpmrm0";

// Wipes the auth value the TPM2B_SENSITIVE_CREATE carried once TPM2_Create has it.
struct SensitiveCreate {
    TPM2B_SENSITIVE_CREATE value{};
    ~SensitiveCreate() { OPENSSL_cleanse(&value, sizeof value); }
};

TPM2B_AUTH to_tpm_auth(const AuthValue& auth) {
    TPM2B_AUTH out{};
    out.size = static_cast<UINT16>(auth.bytes().size());
    std::copy(auth.bytes().begin(), auth.bytes().end(), out.buffer);
    return out;
}

}  // namespace

TPM2B_PUBLIC read_public(TpmConnection& tpm, EsysTr object, const std::string& what) {
    TPM2B_PUBLIC* raw = nullptr;
    TSS2_RC rc = tpm.with_room([&] {
        return Esys_ReadPublic(tpm.get(), object, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &raw,
                               nullptr, nullptr);
    });
    EsysPtr<TPM2B_PUBLIC> pub(raw);
    check_tss("Esys_ReadPublic", rc, "cannot read the public area of " + what);
    return *pub;
}

TpmConnection& TpmKeystore::tpm() {
    if (!tpm_) tpm_ = std::make_shared<TpmConnection>(tcti_, sharing_);
    return *tpm_;
}

std::unique_ptr<Key> TpmKeystore::make_key(TrHandle object, const TPM2B_PUBLIC& pub,
                                           const TpmLocation& loc, AuthValue auth,
                                           EsysTr salt_key) {
    std::string uri = loc.uri();
    check_custody(pub, allow_extractable_, uri);
    TrHandle session;
    if (!auth.empty()) session = start_hmac_session(tpm(), salt_key);
    auto key_object = std::make_unique<KeyObject>(tpm_, std::move(object), std::move(auth));
    return std::make_unique<TpmKey>(std::move(key_object), std::move(session), pub, uri);
}

std::unique_ptr<Key> TpmKeystore::open(const KeyUri& uri) {
    TpmLocation loc = TpmLocation::parse(uri);
    if (loc.kind == TpmLocation::Kind::File) {
        Tss2KeyFile file = read_key_file(loc.path);
        StorageParent parent = StorageParent::open(tpm(), file.parent);
        TrHandle object = load_key_file(tpm(), parent, file, loc.path);
        // The public area the TPM accepted with the private part (its name is bound into the
        // private part's integrity value), so the custody check below can trust it.
        TPM2B_PUBLIC pub = unmarshal_public(file.public_area, loc.path);
        return make_key(std::move(object), pub, loc, AuthValue::read(loc.auth_file), parent.tr());
    }
    if (loc.kind == TpmLocation::Kind::Handle) {
        std::optional<TrHandle> object = open_persistent(tpm(), loc.handle);
        if (!object) throw Error(Errc::NotFound, "no key at TPM handle " + hex32(loc.handle));
        TPM2B_PUBLIC pub = read_public(tpm(), object->get(), hex32(loc.handle));
        return make_key(std::move(*object), pub, loc, AuthValue::read(loc.auth_file), ESYS_TR_NONE);
    }
    throw Error(Errc::InvalidUri, "'" + uri.str() +
                                      "' names the TPM, not a key (add path= or "
                                      "handle=)");
}

std::unique_ptr<Key> TpmKeystore::generate(const KeyUri& uri, KeyType type) {
    TpmLocation loc = TpmLocation::parse(uri);
    if (loc.kind == TpmLocation::Kind::Tpm)
        throw Error(Errc::InvalidUri, "'" + uri.str() +
                                          "' names no place for a new key (add "
                                          "path= or handle=)");
    TPM2B_PUBLIC in_public = signing_template(type);
    if (loc.kind == TpmLocation::Kind::File && std::filesystem::exists(loc.path))
        throw Error(Errc::AlreadyExists, "refusing to replace the existing file " + loc.path);
    if (loc.kind == TpmLocation::Kind::Handle) {
        if (loc.handle == kSrkHandle)
            throw Error(Errc::InvalidArgument,
                        hex32(kSrkHandle) + " is reserved for the storage root key");
        if (open_persistent(tpm(), loc.handle))
            throw Error(Errc::AlreadyExists,
                        "TPM handle " + hex32(loc.handle) + " already holds an object");
    }
    AuthValue auth = AuthValue::read(loc.auth_file);
    StorageParent parent = StorageParent::open_default(tpm());

    SensitiveCreate sensitive;
    sensitive.value.sensitive.userAuth = to_tpm_auth(auth);
    // The new auth value is the first parameter of TPM2_Create: encrypted by a session salted
    // with the parent, so it never crosses the wire in clear (Part 1 §21.1).
    TrHandle session;
    if (!auth.empty()) session = start_hmac_session(tpm(), parent.tr());
    TPM2B_DATA outside_info{};
    TPML_PCR_SELECTION creation_pcr{};
    TPM2B_PRIVATE* raw_private = nullptr;
    TPM2B_PUBLIC* raw_public = nullptr;
    TSS2_RC rc = tpm().with_room([&] {
        return Esys_Create(tpm().get(), parent.tr(), session ? session.get() : ESYS_TR_PASSWORD,
                           ESYS_TR_NONE, ESYS_TR_NONE, &sensitive.value, &in_public, &outside_info,
                           &creation_pcr, &raw_private, &raw_public, nullptr, nullptr, nullptr);
    });
    EsysPtr<TPM2B_PRIVATE> out_private(raw_private);
    EsysPtr<TPM2B_PUBLIC> out_public(raw_public);
    check_tss("Esys_Create", rc, "cannot create a " + std::string(to_string(type)) + " key");
    session.reset();

    ESYS_TR loaded = ESYS_TR_NONE;
    rc = tpm().with_room([&] {
        return Esys_Load(tpm().get(), parent.tr(), ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                         out_private.get(), out_public.get(), &loaded);
    });
    check_tss("Esys_Load", rc, "cannot load the new key");
    TrHandle object(tpm().get(), loaded, TrHandle::Release::Flush);

    if (loc.kind == TpmLocation::Kind::File) {
        Tss2KeyFile file;
        file.empty_auth = auth.empty();
        file.parent = parent.handle();
        file.public_area = marshal_public(*out_public);
        std::size_t size = 0;
        file.private_area.resize(sizeof(TPM2B_PRIVATE));
        check_tss("Tss2_MU_TPM2B_PRIVATE_Marshal",
                  Tss2_MU_TPM2B_PRIVATE_Marshal(out_private.get(), file.private_area.data(),
                                                file.private_area.size(), &size));
        file.private_area.resize(size);
        write_new_key_file(loc.path, file);
        return make_key(std::move(object), *out_public, loc, std::move(auth), parent.tr());
    }
    // Part 3 §28.5: TPM2_EvictControl copies the loaded object into NV at the handle; the
    // transient copy is then flushed and the key used through the persistent one.
    ESYS_TR persistent = ESYS_TR_NONE;
    rc = tpm().with_room([&] {
        return Esys_EvictControl(tpm().get(), ESYS_TR_RH_OWNER, object.get(), ESYS_TR_PASSWORD,
                                 ESYS_TR_NONE, ESYS_TR_NONE, loc.handle, &persistent);
    });
    check_tss("Esys_EvictControl", rc, "cannot make the key persistent at " + hex32(loc.handle));
    object = TrHandle(tpm().get(), persistent, TrHandle::Release::Keep);
    return make_key(std::move(object), *out_public, loc, std::move(auth), parent.tr());
}

std::unique_ptr<keystore::Keystore> open_keystore(const KeyUri& uri,
                                                  const keystore::KeystoreOptions& options) {
    TpmLocation::parse(uri);  // a bad URI fails before any TPM is touched
    std::string tcti = options.tcti;
    if (tcti.empty())
        if (const char* env = std::getenv("HWACME_TCTI")) tcti = env;
    if (tcti.empty()) tcti = kDefaultTcti;
    return std::make_unique<TpmKeystore>(
        std::move(tcti), options.allow_extractable,
        TpmSharing{options.tpm_lock_file, options.tpm_flush_stale});
}

}  // namespace hwacme::tpm
