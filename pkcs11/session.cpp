#include "pkcs11/session.h"

#include <cstring>

#include "common/log.h"
#include "pkcs11/ckr.h"

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
namespace {

const CK_FUNCTION_LIST& functions(const Module& module) {
    return *static_cast<const CK_FUNCTION_LIST*>(module.function_list());
}

std::string trimmed(const unsigned char* field, std::size_t size) {
    std::string s(reinterpret_cast<const char*>(field), size);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
}

// CK_ATTRIBUTEs pointing into the owned values; valid while `t` lives and is not changed.
std::vector<CK_ATTRIBUTE> raw(const Template& t) {
    std::vector<CK_ATTRIBUTE> out;
    for (auto& a : t)
        out.push_back({a.type, const_cast<std::uint8_t*>(a.value.data()), a.value.size()});
    return out;
}

}  // namespace

Attribute Attribute::flag(unsigned long type, bool value) {
    return {type, Bytes{static_cast<std::uint8_t>(value ? CK_TRUE : CK_FALSE)}};
}

Attribute Attribute::number(unsigned long type, unsigned long value) {
    Bytes bytes(sizeof(CK_ULONG));
    std::memcpy(bytes.data(), &value, sizeof value);
    return {type, std::move(bytes)};
}

Attribute Attribute::bytes(unsigned long type, ByteView value) {
    return {type, Bytes(value.begin(), value.end())};
}

Session::Session(std::shared_ptr<Module> module, TokenInfo token)
    : module_(std::move(module)), token_(std::move(token)) {
    auto& f = functions(*module_);
    // libp11 and our function list may be separate proxy instances: make sure the slot id
    // libp11 reported holds the same token in ours before using it.
    CK_TOKEN_INFO info{};
    check_rv("C_GetTokenInfo", f.C_GetTokenInfo(token_.slot_id, &info),
             "token '" + token_.label + "'");
    if (trimmed(info.label, sizeof info.label) != token_.label ||
        trimmed(info.serialNumber, sizeof info.serialNumber) != token_.serial)
        throw Error(Errc::DeviceFailure, "PKCS#11 token '" + token_.label +
                                             "' moved to another slot while it was being opened");
    // The flags as they are now, not as they were when the module was loaded.
    token_.pin_locked = info.flags & CKF_USER_PIN_LOCKED;
    token_.pin_final_try = info.flags & CKF_USER_PIN_FINAL_TRY;
    token_.write_protected = info.flags & CKF_WRITE_PROTECTED;
    CK_SESSION_HANDLE handle = 0;
    check_rv("C_OpenSession",
             f.C_OpenSession(token_.slot_id, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                             &handle),
             "token '" + token_.label + "'");
    handle_ = handle;
}

Session::~Session() {
    functions(*module_).C_CloseSession(handle_);
}

void Session::login(const Pkcs11Uri& uri) {
    auto& f = functions(*module_);
    if (!token_.login_required) return;
    CK_SESSION_INFO info{};
    check_rv("C_GetSessionInfo", f.C_GetSessionInfo(handle_, &info));
    const std::string token_name = token_.serial + "/" + token_.label;
    if (info.state == CKS_RW_USER_FUNCTIONS || info.state == CKS_RO_USER_FUNCTIONS) {
        auto pin = token_.protected_auth_path ? nullptr : read_pin(uri);
        if (pin && !module_->logins().matches(token_name, pin->value()))
            throw Error(Errc::AuthFailed,
                        "the PIN for " + uri.describe_object() + " differs from the one token '" +
                            token_.label +
                            "' was logged in with for another key of this run: one token has "
                            "one PIN (check the URI's pin-source)");
        return;
    }

    std::string failed = "PKCS#11 login to token '" + token_.label + "' failed: ";
    if (token_.pin_locked)
        throw Error(Errc::AuthFailed, failed +
                                          "CKR_PIN_LOCKED (the token reports the user PIN "
                                          "locked; not trying)");
    std::unique_ptr<Pin> pin;
    if (!token_.protected_auth_path) {
        pin = read_pin(uri);
        if (!pin)
            throw Error(Errc::InvalidArgument,
                        "PKCS#11 token '" + token_.label +
                            "' needs a PIN: add pin-source=file:/path to the URI or set "
                            "HWACME_PKCS11_PIN");
    }
    if (token_.pin_final_try)
        log::warning("PKCS#11 token '" + token_.label +
                     "' says one more wrong PIN locks it; trying the configured PIN once");
    // Exactly one attempt: tokens count failures and lock the PIN (PKCS#11 2.40 §5.6).
    CK_RV rv = f.C_Login(
        handle_, CKU_USER,
        pin ? reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin->value().data())) : nullptr,
        pin ? pin->value().size() : 0);
    if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
        if (pin) module_->logins().remember(token_name, pin->value());
        return;
    }
    // A PIN the token refuses is AuthFailed; a token that fails otherwise is a device failure.
    throw Error(ckr_category(rv) == Errc::AuthFailed ? Errc::AuthFailed : Errc::DeviceFailure,
                failed + ckr_name(rv) + " (C_Login; not retried)");
}

std::vector<ObjectHandle> Session::find(const Template& match) {
    auto& f = functions(*module_);
    auto attrs = raw(match);
    check_rv("C_FindObjectsInit", f.C_FindObjectsInit(handle_, attrs.data(), attrs.size()));
    std::vector<ObjectHandle> out;
    CK_RV rv = CKR_OK;
    for (;;) {
        CK_OBJECT_HANDLE batch[32];
        CK_ULONG n = 0;
        rv = f.C_FindObjects(handle_, batch, 32, &n);
        if (rv != CKR_OK || n == 0) break;
        out.insert(out.end(), batch, batch + n);
    }
    // The search must be finished even after a failure, or the session stays busy.
    CK_RV final_rv = f.C_FindObjectsFinal(handle_);
    check_rv("C_FindObjects", rv);
    check_rv("C_FindObjectsFinal", final_rv);
    return out;
}

std::optional<Bytes> Session::attribute(ObjectHandle object, unsigned long type) {
    auto& f = functions(*module_);
    CK_ATTRIBUTE a{type, nullptr, 0};
    CK_RV rv = f.C_GetAttributeValue(handle_, object, &a, 1);
    if (rv == CKR_ATTRIBUTE_SENSITIVE || rv == CKR_ATTRIBUTE_TYPE_INVALID) return std::nullopt;
    check_rv("C_GetAttributeValue", rv);
    if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION) return std::nullopt;
    Bytes value(a.ulValueLen);
    a.pValue = value.data();
    check_rv("C_GetAttributeValue", f.C_GetAttributeValue(handle_, object, &a, 1));
    value.resize(a.ulValueLen);
    return value;
}

std::optional<bool> Session::flag(ObjectHandle object, unsigned long type) {
    auto value = attribute(object, type);
    if (!value || value->size() != sizeof(CK_BBOOL)) return std::nullopt;
    return (*value)[0] != CK_FALSE;
}

bool Session::set_flag(ObjectHandle object, unsigned long type, bool value) {
    Template change{Attribute::flag(type, value)};
    auto attrs = raw(change);
    CK_RV rv = functions(*module_).C_SetAttributeValue(handle_, object, attrs.data(), attrs.size());
    if (rv == CKR_ATTRIBUTE_READ_ONLY || rv == CKR_ATTRIBUTE_TYPE_INVALID ||
        rv == CKR_ATTRIBUTE_VALUE_INVALID || rv == CKR_ACTION_PROHIBITED ||
        rv == CKR_TEMPLATE_INCONSISTENT || rv == CKR_FUNCTION_NOT_SUPPORTED)
        return false;
    check_rv("C_SetAttributeValue", rv, "token '" + token_.label + "'");
    return true;
}

std::optional<std::pair<unsigned long, unsigned long>> Session::key_sizes(unsigned long mechanism) {
    CK_MECHANISM_INFO info{};
    CK_RV rv = functions(*module_).C_GetMechanismInfo(token_.slot_id, mechanism, &info);
    if (rv == CKR_MECHANISM_INVALID) return std::nullopt;
    check_rv("C_GetMechanismInfo", rv);
    return std::pair{info.ulMinKeySize, info.ulMaxKeySize};
}

std::pair<ObjectHandle, ObjectHandle> Session::generate_key_pair(unsigned long mechanism,
                                                                 const Template& public_template,
                                                                 const Template& private_template) {
    auto pub = raw(public_template);
    auto priv = raw(private_template);
    CK_MECHANISM m{mechanism, nullptr, 0};
    CK_OBJECT_HANDLE pub_handle = 0, priv_handle = 0;
    check_rv("C_GenerateKeyPair",
             functions(*module_).C_GenerateKeyPair(handle_, &m, pub.data(), pub.size(), priv.data(),
                                                   priv.size(), &pub_handle, &priv_handle),
             "token '" + token_.label + "'");
    return {pub_handle, priv_handle};
}

Bytes Session::sign(ObjectHandle key, unsigned long mechanism, ByteView data, std::size_t max_size,
                    const Pin* context_pin) {
    auto& f = functions(*module_);
    CK_MECHANISM m{mechanism, nullptr, 0};
    check_rv("C_SignInit", f.C_SignInit(handle_, &m, key));
    if (context_pin) {
        CK_RV rv = f.C_Login(
            handle_, CKU_CONTEXT_SPECIFIC,
            reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(context_pin->value().data())),
            context_pin->value().size());
        // A refused PIN ends the run (it is never tried again), so the signing operation left
        // initialised on this session is never used.
        if (rv != CKR_OK)
            throw Error(
                ckr_category(rv) == Errc::AuthFailed ? Errc::AuthFailed : Errc::DeviceFailure,
                "PKCS#11 login for one signature on token '" + token_.label +
                    "' failed: " + ckr_name(rv) + " (C_Login CKU_CONTEXT_SPECIFIC; not retried)");
    }
    Bytes out(max_size);
    CK_ULONG len = out.size();
    // C_Sign ends the operation on success and on any error but CKR_BUFFER_TOO_SMALL, which a
    // buffer of the key's full signature size rules out (PKCS#11 2.40 §5.12).
    check_rv("C_Sign", f.C_Sign(handle_, const_cast<std::uint8_t*>(data.data()), data.size(),
                                out.data(), &len));
    out.resize(len);
    return out;
}

ObjectHandle Session::create(const Template& object) {
    auto attrs = raw(object);
    CK_OBJECT_HANDLE handle = 0;
    check_rv("C_CreateObject",
             functions(*module_).C_CreateObject(handle_, attrs.data(), attrs.size(), &handle),
             "token '" + token_.label + "'");
    return handle;
}

void Session::destroy(ObjectHandle object) {
    check_rv("C_DestroyObject", functions(*module_).C_DestroyObject(handle_, object),
             "token '" + token_.label + "'");
}

}  // namespace hwacme::pkcs11
