#include "pkcs11/ckr.h"

#include <array>
#include <cstdio>
#include <utility>

#include <p11-kit/pkcs11.h>

namespace hwacme::pkcs11 {
namespace {

#define HWACME_CKR(name)                 \
    std::pair<CK_RV, std::string_view> { \
        name, #name                      \
    }

// The codes a client meets from session, login, object, key generation and signing calls
// (PKCS#11 2.40 §5.1); anything else is printed in hex.
constexpr std::array kNames{
    HWACME_CKR(CKR_OK),
    HWACME_CKR(CKR_CANCEL),
    HWACME_CKR(CKR_HOST_MEMORY),
    HWACME_CKR(CKR_SLOT_ID_INVALID),
    HWACME_CKR(CKR_GENERAL_ERROR),
    HWACME_CKR(CKR_FUNCTION_FAILED),
    HWACME_CKR(CKR_ARGUMENTS_BAD),
    HWACME_CKR(CKR_CANT_LOCK),
    HWACME_CKR(CKR_ATTRIBUTE_READ_ONLY),
    HWACME_CKR(CKR_ATTRIBUTE_SENSITIVE),
    HWACME_CKR(CKR_ATTRIBUTE_TYPE_INVALID),
    HWACME_CKR(CKR_ATTRIBUTE_VALUE_INVALID),
    HWACME_CKR(CKR_DATA_INVALID),
    HWACME_CKR(CKR_DATA_LEN_RANGE),
    HWACME_CKR(CKR_DEVICE_ERROR),
    HWACME_CKR(CKR_DEVICE_MEMORY),
    HWACME_CKR(CKR_DEVICE_REMOVED),
    HWACME_CKR(CKR_FUNCTION_CANCELED),
    HWACME_CKR(CKR_FUNCTION_NOT_SUPPORTED),
    HWACME_CKR(CKR_KEY_HANDLE_INVALID),
    HWACME_CKR(CKR_KEY_SIZE_RANGE),
    HWACME_CKR(CKR_KEY_TYPE_INCONSISTENT),
    HWACME_CKR(CKR_KEY_FUNCTION_NOT_PERMITTED),
    HWACME_CKR(CKR_KEY_UNEXTRACTABLE),
    HWACME_CKR(CKR_MECHANISM_INVALID),
    HWACME_CKR(CKR_MECHANISM_PARAM_INVALID),
    HWACME_CKR(CKR_OBJECT_HANDLE_INVALID),
    HWACME_CKR(CKR_OPERATION_ACTIVE),
    HWACME_CKR(CKR_OPERATION_NOT_INITIALIZED),
    HWACME_CKR(CKR_PIN_INCORRECT),
    HWACME_CKR(CKR_PIN_INVALID),
    HWACME_CKR(CKR_PIN_LEN_RANGE),
    HWACME_CKR(CKR_PIN_EXPIRED),
    HWACME_CKR(CKR_PIN_LOCKED),
    HWACME_CKR(CKR_SESSION_CLOSED),
    HWACME_CKR(CKR_SESSION_COUNT),
    HWACME_CKR(CKR_SESSION_HANDLE_INVALID),
    HWACME_CKR(CKR_SESSION_READ_ONLY),
    HWACME_CKR(CKR_SESSION_EXISTS),
    HWACME_CKR(CKR_SESSION_READ_ONLY_EXISTS),
    HWACME_CKR(CKR_SIGNATURE_INVALID),
    HWACME_CKR(CKR_SIGNATURE_LEN_RANGE),
    HWACME_CKR(CKR_TEMPLATE_INCOMPLETE),
    HWACME_CKR(CKR_TEMPLATE_INCONSISTENT),
    HWACME_CKR(CKR_TOKEN_NOT_PRESENT),
    HWACME_CKR(CKR_TOKEN_NOT_RECOGNIZED),
    HWACME_CKR(CKR_TOKEN_WRITE_PROTECTED),
    HWACME_CKR(CKR_USER_ALREADY_LOGGED_IN),
    HWACME_CKR(CKR_USER_NOT_LOGGED_IN),
    HWACME_CKR(CKR_USER_PIN_NOT_INITIALIZED),
    HWACME_CKR(CKR_USER_TYPE_INVALID),
    HWACME_CKR(CKR_USER_ANOTHER_ALREADY_LOGGED_IN),
    HWACME_CKR(CKR_USER_TOO_MANY_TYPES),
    HWACME_CKR(CKR_DOMAIN_PARAMS_INVALID),
    HWACME_CKR(CKR_CURVE_NOT_SUPPORTED),
    HWACME_CKR(CKR_BUFFER_TOO_SMALL),
    HWACME_CKR(CKR_RANDOM_NO_RNG),
    HWACME_CKR(CKR_CRYPTOKI_NOT_INITIALIZED),
    HWACME_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED),
    HWACME_CKR(CKR_FUNCTION_REJECTED),
};

#undef HWACME_CKR

}  // namespace

std::string ckr_name(unsigned long rv) {
    for (auto& [code, name] : kNames)
        if (code == rv) return std::string(name);
    char hex[32];
    std::snprintf(hex, sizeof hex, "CKR_0x%08lX", rv);
    return hex;
}

Errc ckr_category(unsigned long rv) noexcept {
    switch (rv) {
        case CKR_PIN_INCORRECT:
        case CKR_PIN_INVALID:
        case CKR_PIN_LEN_RANGE:
        case CKR_PIN_EXPIRED:
        case CKR_PIN_LOCKED:
        case CKR_USER_PIN_NOT_INITIALIZED:
        case CKR_USER_NOT_LOGGED_IN:
            return Errc::AuthFailed;
        case CKR_MECHANISM_INVALID:
        case CKR_MECHANISM_PARAM_INVALID:
        case CKR_KEY_SIZE_RANGE:
        case CKR_DOMAIN_PARAMS_INVALID:
        case CKR_CURVE_NOT_SUPPORTED:
        case CKR_FUNCTION_NOT_SUPPORTED:
            return Errc::Unsupported;
        default:
            return Errc::DeviceFailure;
    }
}

std::string_view ckr_meaning(std::string_view function, unsigned long rv) noexcept {
    switch (rv) {
        case CKR_DEVICE_MEMORY:
            return "the token is full";
        case CKR_TOKEN_WRITE_PROTECTED:
        case CKR_SESSION_READ_ONLY:
            return "the token is write-protected";
        case CKR_SESSION_COUNT:
            return "the token has no session free; other programs hold them all";
        case CKR_DEVICE_REMOVED:
        case CKR_TOKEN_NOT_PRESENT:
            return "the token was removed";
        case CKR_PIN_LOCKED:
            return "the user PIN is locked; the security officer must unlock it";
        case CKR_GENERAL_ERROR:
        case CKR_FUNCTION_FAILED:
        case CKR_DEVICE_ERROR:
            // SoftHSM answers a read-only token folder this way, and tpm2-pkcs11 a TPM that is
            // out of memory: the module's own log (or -v) may say more.
            if (function == "C_GenerateKeyPair" || function == "C_CreateObject" ||
                function == "C_DestroyObject")
                return "the module gave no reason: is the token's store writable, and is there "
                       "room on it?";
            return {};
        default:
            return {};
    }
}

void throw_ckr(std::string_view function, unsigned long rv, std::string_view context) {
    std::string message;
    if (!context.empty()) message = std::string(context) + ": ";
    message += std::string(function) + ": " + ckr_name(rv);
    if (auto meaning = ckr_meaning(function, rv); !meaning.empty())
        message += " (" + std::string(meaning) + ")";
    throw Error(ckr_category(rv), message);
}

}  // namespace hwacme::pkcs11
