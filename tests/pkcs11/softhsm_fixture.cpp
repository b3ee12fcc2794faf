#include "tests/pkcs11/softhsm_fixture.h"

#include <cstdlib>
#include <stdexcept>

#include "common/atomic_file.h"
#include "tests/support/process.h"

namespace hwacme::test {
namespace {

std::filesystem::path make_temp_dir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/hwacme-softhsm-XXXXXX";
    if (!mkdtemp(pattern.data()))
        throw std::runtime_error("cannot create a temp folder for the SoftHSM token");
    return pattern;
}

}  // namespace

SoftHsmToken::SoftHsmToken(std::string label) : dir_(make_temp_dir()), label_(std::move(label)) {
    if (const char* conf = std::getenv("SOFTHSM2_CONF")) saved_conf_ = conf;
    const std::string script = HWACME_SOURCE_DIR "/softhsm-fixtures/make-token";
    CommandResult r = run_command({script, dir_.string(), label_});
    if (r.exit_code != 0) {
        std::filesystem::remove_all(dir_);
        throw std::runtime_error("softhsm-fixtures/make-token failed (exit " +
                                 std::to_string(r.exit_code) + "): " + r.stderr_text);
    }
    ::setenv("SOFTHSM2_CONF", (dir_ / "softhsm2.conf").c_str(), 1);
}

SoftHsmToken::~SoftHsmToken() {
    if (saved_conf_)
        ::setenv("SOFTHSM2_CONF", saved_conf_->c_str(), 1);
    else
        ::unsetenv("SOFTHSM2_CONF");
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string SoftHsmToken::pin() const {
    return read_file(pin_file());
}

std::string SoftHsmToken::module_path() {
    return "/usr/lib/softhsm/libsofthsm2.so";
}

std::string SoftHsmToken::uri_for(std::string_view object) const {
    return "pkcs11:token=" + label_ + ";object=" + std::string(object) +
           "?module-path=" + module_path() + "&pin-source=file:" + pin_file().string();
}

std::string SoftHsmToken::token_uri() const {
    return "pkcs11:token=" + label_ + "?module-path=" + module_path() +
           "&pin-source=file:" + pin_file().string();
}

}  // namespace hwacme::test
