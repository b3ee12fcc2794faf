#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace hwacme::pkcs11 {

/// "CKR_PIN_INCORRECT" for a PKCS#11 return value (CK_RV); "CKR_0x…" for a code not in the table.
std::string ckr_name(unsigned long rv);

/// The error category a CK_RV belongs to: PIN codes → AuthFailed, mechanism and key size codes
/// → Unsupported, everything else → DeviceFailure.
Errc ckr_category(unsigned long rv) noexcept;

/// What a code means for the operator when the name alone does not say it ("the token is
/// full"); empty otherwise.
std::string_view ckr_meaning(std::string_view function, unsigned long rv) noexcept;

/// Throws Error{ckr_category(rv)} with "function: CKR_NAME (meaning)", prefixed by `context`
/// when given.
[[noreturn]] void throw_ckr(std::string_view function, unsigned long rv,
                            std::string_view context = {});

/// Throws unless rv is CKR_OK (0).
inline void check_rv(std::string_view function, unsigned long rv, std::string_view context = {}) {
    if (rv != 0) throw_ckr(function, rv, context);
}

}  // namespace hwacme::pkcs11
