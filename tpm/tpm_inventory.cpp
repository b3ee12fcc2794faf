// list(), remove() and describe() of the `tpm2:` keystore.
#include <tss2/tss2_esys.h>

#include <algorithm>
#include <filesystem>

#include "common/error.h"
#include "tpm/key_file.h"
#include "tpm/resource_manager.h"
#include "tpm/tpm_public.h"
#include "tpm/tpm_store.h"

namespace hwacme::tpm {
namespace {

using keystore::KeyInfo;
using keystore::KeyUri;

constexpr std::uint32_t kOwnerPersistentLast = 0x817FFFFF;
constexpr std::string_view kKeyFileSuffix = ".tss2.pem";

bool is_signing_key(const TPM2B_PUBLIC& pub) {
    TPMA_OBJECT attrs = pub.publicArea.objectAttributes;
    return (attrs & TPMA_OBJECT_SIGN_ENCRYPT) && !(attrs & TPMA_OBJECT_RESTRICTED);
}

std::optional<keystore::KeyType> type_or_none(const TPM2B_PUBLIC& pub) {
    try {
        return key_type_of(pub, "");
    } catch (const Error&) {
        return std::nullopt;
    }
}

std::string parent_text(std::uint32_t parent) {
    if (parent == kOwnerHierarchy)
        return hex32(parent) + " (owner hierarchy: primary from the TCG SRK template)";
    return hex32(parent) + " (persistent storage key)";
}

}  // namespace

std::vector<KeyInfo> TpmKeystore::list(const KeyUri& uri) {
    TpmLocation loc = TpmLocation::parse(uri);
    if (loc.kind == TpmLocation::Kind::Tpm) return list_handles();
    if (loc.kind == TpmLocation::Kind::File) return list_folder(loc.path);
    throw Error(Errc::InvalidUri,
                "list takes tpm2: (persistent keys) or tpm2:path=/folder, not " + uri.str());
}

std::vector<KeyInfo> TpmKeystore::list_handles() {
    std::vector<KeyInfo> keys;
    // Part 3 §30.2 TPM2_GetCapability(TPM_CAP_HANDLES): persistent handles from the first one
    // upwards, in as many rounds as the TPM needs (moreData).
    for (TPM2_HANDLE next = TPM2_PERSISTENT_FIRST; next <= kOwnerPersistentLast;) {
        TPMI_YES_NO more = TPM2_NO;
        TPMS_CAPABILITY_DATA* raw = nullptr;
        TSS2_RC rc = Esys_GetCapability(tpm().get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                        TPM2_CAP_HANDLES, next, TPM2_MAX_CAP_HANDLES, &more, &raw);
        EsysPtr<TPMS_CAPABILITY_DATA> data(raw);
        check_tss("Esys_GetCapability", rc, "cannot list the TPM's persistent handles");
        const TPML_HANDLE& handles = data->data.handles;
        for (UINT32 i = 0; i < handles.count; ++i) {
            TPM2_HANDLE handle = handles.handle[i];
            if (handle > kOwnerPersistentLast) return keys;
            std::optional<TrHandle> object = open_persistent(tpm(), handle);
            if (!object) continue;
            TPM2B_PUBLIC pub = read_public(tpm(), object->get(), hex32(handle));
            if (!is_signing_key(pub)) continue;
            TpmLocation loc{TpmLocation::Kind::Handle, {}, handle, {}};
            keys.push_back({loc.uri(), type_or_none(pub),
                            "persistent, attributes " + hex32(pub.publicArea.objectAttributes)});
        }
        if (more != TPM2_YES || handles.count == 0) break;
        next = handles.handle[handles.count - 1] + 1;
    }
    return keys;
}

std::vector<KeyInfo> TpmKeystore::list_folder(const std::string& folder) {
    if (!std::filesystem::exists(folder)) throw Error(Errc::NotFound, "no folder " + folder);
    if (!std::filesystem::is_directory(folder))
        throw Error(Errc::InvalidArgument, "list takes a folder, not the file " + folder);
    std::vector<KeyInfo> keys;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || !name.ends_with(kKeyFileSuffix)) continue;
        TpmLocation loc{TpmLocation::Kind::File, entry.path().string(), 0, {}};
        KeyInfo info{loc.uri(), std::nullopt, {}};
        // Only the file is read: listing works without the TPM that can load the keys.
        try {
            Tss2KeyFile file = read_key_file(loc.path);
            TPM2B_PUBLIC pub = unmarshal_public(file.public_area, loc.path);
            info.type = type_or_none(pub);
            info.description = "file, parent " + hex32(file.parent) +
                               (file.empty_auth ? "" : ", auth value required");
        } catch (const Error& e) {
            info.description = std::string("unreadable: ") + e.what();
        }
        keys.push_back(std::move(info));
    }
    std::sort(keys.begin(), keys.end(), [](auto& a, auto& b) { return a.uri < b.uri; });
    return keys;
}

void TpmKeystore::remove(const KeyUri& uri) {
    TpmLocation loc = TpmLocation::parse(uri);
    if (loc.kind == TpmLocation::Kind::File) {
        read_key_file(loc.path);  // refuse to delete what is not a TSS2 key
        if (!std::filesystem::remove(loc.path))
            throw Error(Errc::NotFound, "no key file " + loc.path);
        return;
    }
    if (loc.kind != TpmLocation::Kind::Handle)
        throw Error(Errc::InvalidUri, "'" + uri.str() + "' names the TPM, not a key");
    std::optional<TrHandle> object = open_persistent(tpm(), loc.handle);
    if (!object) throw Error(Errc::NotFound, "no key at TPM handle " + hex32(loc.handle));
    if (!is_signing_key(read_public(tpm(), object->get(), hex32(loc.handle))))
        throw Error(Errc::InvalidArgument,
                    "refusing to evict " + hex32(loc.handle) + ": it is not a signing key");
    // Part 3 §28.5: EvictControl on a persistent handle removes it from NV.
    ESYS_TR none = ESYS_TR_NONE;
    TSS2_RC rc = Esys_EvictControl(tpm().get(), ESYS_TR_RH_OWNER, object->get(), ESYS_TR_PASSWORD,
                                   ESYS_TR_NONE, ESYS_TR_NONE, loc.handle, &none);
    check_tss("Esys_EvictControl", rc, "cannot evict " + hex32(loc.handle));
}

std::vector<std::pair<std::string, std::string>> TpmKeystore::describe(const KeyUri& uri) {
    TpmLocation loc = TpmLocation::parse(uri);
    std::vector<std::pair<std::string, std::string>> facts;
    facts.emplace_back("resource manager", describe_resource_manager(tcti_));
    TPM2B_PUBLIC pub{};
    if (loc.kind == TpmLocation::Kind::File) {
        Tss2KeyFile file = read_key_file(loc.path);
        pub = unmarshal_public(file.public_area, loc.path);
        facts.emplace_back("storage", "TSS2 key file " + loc.path);
        facts.emplace_back("parent", parent_text(file.parent));
        facts.emplace_back("auth value", file.empty_auth ? "none" : "required");
        try {
            StorageParent parent = StorageParent::open(tpm(), file.parent);
            load_key_file(tpm(), parent, file, loc.path);
            facts.emplace_back("loads in this TPM", "yes");
        } catch (const Error& e) {
            facts.emplace_back("loads in this TPM", std::string("no: ") + e.what());
        }
    } else if (loc.kind == TpmLocation::Kind::Handle) {
        std::optional<TrHandle> object = open_persistent(tpm(), loc.handle);
        if (!object) throw Error(Errc::NotFound, "no key at TPM handle " + hex32(loc.handle));
        pub = read_public(tpm(), object->get(), hex32(loc.handle));
        facts.emplace_back("storage", "persistent handle " + hex32(loc.handle));
        facts.emplace_back("parent", "owner hierarchy (persistent in the TPM's NV)");
    } else {
        throw Error(Errc::InvalidUri, "'" + uri.str() + "' names the TPM, not a key");
    }
    for (auto& fact : public_facts(pub)) facts.push_back(std::move(fact));
    facts.emplace_back("TPM manufacturer", manufacturer());
    facts.emplace_back("TCTI", tcti_);
    return facts;
}

std::string TpmKeystore::manufacturer() {
    TPMI_YES_NO more = TPM2_NO;
    TPMS_CAPABILITY_DATA* raw = nullptr;
    TSS2_RC rc = Esys_GetCapability(tpm().get(), ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                    TPM2_CAP_TPM_PROPERTIES, TPM2_PT_MANUFACTURER, 1, &more, &raw);
    EsysPtr<TPMS_CAPABILITY_DATA> data(raw);
    check_tss("Esys_GetCapability", rc, "cannot read the TPM manufacturer");
    const TPML_TAGGED_TPM_PROPERTY& props = data->data.tpmProperties;
    if (props.count == 0 || props.tpmProperty[0].property != TPM2_PT_MANUFACTURER) return "unknown";
    // Part 2 §6.13: four ASCII characters, e.g. "IBM" for swtpm/libtpms, "IFX", "STM ".
    std::uint32_t v = props.tpmProperty[0].value;
    std::string text;
    for (int shift = 24; shift >= 0; shift -= 8) {
        char c = static_cast<char>(v >> shift);
        if (c > ' ' && c < 127) text += c;
    }
    return text;
}

}  // namespace hwacme::tpm
