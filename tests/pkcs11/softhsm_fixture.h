#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace hwacme::test {

/// A throwaway SoftHSM2 token for one test: a private temp folder made by
/// softhsm-fixtures/make-token, with SOFTHSM2_CONF set in this process's environment so the
/// module loaded in-process sees only this token. The destructor restores SOFTHSM2_CONF and
/// removes the folder. Throws std::runtime_error naming the Debian package (softhsm2) when the
/// tool is missing: a missing tool fails the test, it never skips it.
/// One at a time per process (SOFTHSM2_CONF is process-wide); not thread-safe.
class SoftHsmToken {
public:
    explicit SoftHsmToken(std::string label = "hwacme-test");
    ~SoftHsmToken();
    SoftHsmToken(const SoftHsmToken&) = delete;
    SoftHsmToken& operator=(const SoftHsmToken&) = delete;

    const std::filesystem::path& dir() const { return dir_; }
    const std::string& token_label() const { return label_; }
    std::filesystem::path pin_file() const { return dir_ / "pin"; }
    /// The user PIN, for tests that must log in on their own (never print it).
    std::string pin() const;
    /// /usr/lib/softhsm/libsofthsm2.so
    static std::string module_path();

    /// `pkcs11:token=LABEL;object=NAME?module-path=…&pin-source=file:DIR/pin` as text.
    std::string uri_for(std::string_view object) const;
    /// The token alone (no object), for list().
    std::string token_uri() const;

private:
    std::filesystem::path dir_;
    std::string label_;
    std::optional<std::string> saved_conf_;
};

}  // namespace hwacme::test
