#pragma once

#include <array>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace hwacme::pkcs11 {

/// Which PIN each token of a module was logged in with, kept as a salted SHA-256 so that the
/// PIN itself is not kept. A token never checks a second PIN once the process is logged in
/// (PKCS#11 2.40 §5.6: login state belongs to the application), so a wrong PIN source on a
/// second key URI would otherwise pass unnoticed here and fail later in the web server.
/// Thread-safe.
class LoginRecord {
public:
    LoginRecord();

    void remember(const std::string& token, std::string_view pin);
    /// False only when `token` was logged in with another PIN; true when it matches or no PIN
    /// was recorded (a PIN pad, or a login by other means).
    bool matches(const std::string& token, std::string_view pin) const;

private:
    using Digest = std::array<unsigned char, 32>;
    Digest digest(std::string_view pin) const;

    std::array<unsigned char, 16> salt_{};
    std::map<std::string, Digest> digests_;
    mutable std::mutex mutex_;
};

}  // namespace hwacme::pkcs11
