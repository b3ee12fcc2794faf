#include "tests/modules/module_token.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "common/atomic_file.h"
#include "pkcs11/pkcs11_uri.h"
#include "tests/pkcs11/softhsm_fixture.h"
#include "tests/support/process.h"
#include "tests/support/temp_dir.h"
#include "tests/tpm/tabrmd_fixture.h"

namespace hwacme::test {
namespace {

constexpr std::string_view kTpm2Pkcs11Module = "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so";
const std::string kUserPin = "user-pin-2468";
const std::string kSoPin = "so-pin-1357";

class SoftHsm final : public ModuleToken {
public:
    explicit SoftHsm(bool through_proxy) : token_("hwacme-matrix"), proxy_(through_proxy) {}
    std::string name() const override { return proxy_ ? "SoftHSM2 through p11-kit" : "SoftHSM2"; }
    std::string module_path() const override {
        return proxy_ ? pkcs11::default_module_path() : SoftHsmToken::module_path();
    }
    std::string token_label() const override { return token_.token_label(); }
    std::string pin() const override { return token_.pin(); }
    std::string uri_for(std::string_view object) const override {
        if (!proxy_) return token_.uri_for(object);
        return "pkcs11:token=" + token_.token_label() + ";object=" + std::string(object) +
               "?pin-source=file:" + token_.pin_file().string();
    }
    std::string token_uri() const override {
        if (!proxy_) return token_.token_uri();
        return "pkcs11:token=" + token_.token_label() +
               "?pin-source=file:" + token_.pin_file().string();
    }
    // SoftHsmToken sets SOFTHSM2_CONF in this process: children inherit it.
    std::vector<std::string> env() const override { return {}; }

private:
    SoftHsmToken token_;
    bool proxy_;
};

/// A tpm2-pkcs11 token in a private store folder, on a private swtpm behind tpm2-abrmd, made the
/// way its documentation does with pkcs11-tool. The resource manager is what a deployment has:
/// tpm2-pkcs11 keeps a primary and each session's keys loaded, and a bare swtpm's three object
/// slots run out at the second key of a run.
class Tpm2Pkcs11 final : public ModuleToken {
public:
    Tpm2Pkcs11() : dir_("hwacme-tpm2-pkcs11") {
        if (!std::filesystem::exists(kTpm2Pkcs11Module))
            throw std::runtime_error("tpm2-pkcs11 is missing (" + std::string(kTpm2Pkcs11Module) +
                                     "): install the Debian package libtpm2-pkcs11-1");
        require_tool("pkcs11-tool", "opensc");
        std::filesystem::create_directories(dir_ / "store");
        write_file_atomic(dir_ / "pin", kUserPin, 0600);
        run_tool({"--slot-index", "0", "--init-token", "--label", "matrix", "--so-pin", kSoPin});
        run_tool({"--token-label", "matrix", "--login", "--login-type", "so", "--so-pin", kSoPin,
                  "--init-pin", "--pin", kUserPin});
    }
    std::string name() const override { return "tpm2-pkcs11"; }
    std::string module_path() const override { return std::string(kTpm2Pkcs11Module); }
    std::string token_label() const override { return "matrix"; }
    std::string pin() const override { return kUserPin; }
    std::string uri_for(std::string_view object) const override {
        return "pkcs11:token=matrix;object=" + std::string(object) +
               "?module-path=" + std::string(kTpm2Pkcs11Module) +
               "&pin-source=file:" + (dir_ / "pin").string();
    }
    std::string token_uri() const override {
        return "pkcs11:token=matrix?module-path=" + std::string(kTpm2Pkcs11Module) +
               "&pin-source=file:" + (dir_ / "pin").string();
    }
    std::vector<std::string> env() const override {
        auto env = tabrmd_.env();
        env.push_back("TPM2_PKCS11_TCTI=" + tabrmd_.tcti());
        env.push_back("TPM2_PKCS11_STORE=" + (dir_ / "store").string());
        // tpm2-pkcs11 is built without frame pointers: in a sanitizer build, ASan's fast
        // unwinder would lose the module's frames in leak reports, and tests/lsan.supp could not
        // tell its leaks from hwacme's. Other builds ignore the variable.
        const char* asan = std::getenv("ASAN_OPTIONS");
        env.push_back(std::string("ASAN_OPTIONS=") + (asan ? std::string(asan) + ":" : "") +
                      "fast_unwind_on_malloc=0");
        return env;
    }

private:
    void run_tool(std::vector<std::string> args) const {
        args.insert(args.begin(), {"pkcs11-tool", "--module", std::string(kTpm2Pkcs11Module)});
        auto result = run_command(args, env());
        if (result.exit_code != 0)
            throw std::runtime_error("pkcs11-tool could not make the tpm2-pkcs11 token: " +
                                     result.stderr_text);
    }

    TabrmdFixture tabrmd_;
    TempDir dir_;
};

}  // namespace

std::unique_ptr<ModuleToken> ModuleToken::make(Kind kind) {
    switch (kind) {
        case Kind::SoftHsm:
            return std::make_unique<SoftHsm>(false);
        case Kind::SoftHsmThroughProxy:
            return std::make_unique<SoftHsm>(true);
        case Kind::Tpm2Pkcs11:
            return std::make_unique<Tpm2Pkcs11>();
    }
    throw std::logic_error("unknown module kind");
}

}  // namespace hwacme::test
