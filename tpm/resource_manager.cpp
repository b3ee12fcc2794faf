#include "tpm/resource_manager.h"

namespace hwacme::tpm {
namespace {

/// The TCTI name and its configuration: "device:/dev/tpmrm0" → {"device", "/dev/tpmrm0"}.
std::pair<std::string_view, std::string_view> split_tcti(std::string_view tcti) {
    auto colon = tcti.find(':');
    if (colon == std::string_view::npos) return {tcti, {}};
    return {tcti.substr(0, colon), tcti.substr(colon + 1)};
}

}  // namespace

ResourceManager resource_manager_of(std::string_view tcti) noexcept {
    auto [name, conf] = split_tcti(tcti);
    // libtss2-tcti-tabrmd, named "tabrmd" or by its library file.
    if (name.find("tabrmd") != std::string_view::npos) return ResourceManager::Abrmd;
    // The device TCTI without configuration opens /dev/tpm0; /dev/tpmrm0, /dev/tpmrm1… are the
    // kernel's resource manager in front of each TPM.
    if ((name == "device" || name.find("tcti-device") != std::string_view::npos) &&
        conf.find("/dev/tpmrm") == 0)
        return ResourceManager::Kernel;
    return ResourceManager::None;
}

std::string describe_resource_manager(std::string_view tcti) {
    switch (resource_manager_of(tcti)) {
        case ResourceManager::Kernel:
            return "kernel (" + std::string(tcti) + ")";
        case ResourceManager::Abrmd:
            return "tpm2-abrmd (" + std::string(tcti) + ")";
        case ResourceManager::None:
            break;
    }
    return "none (" + std::string(tcti) +
           "): objects of an interrupted run stay loaded in the TPM; device:/dev/tpmrm0 avoids it";
}

}  // namespace hwacme::tpm
