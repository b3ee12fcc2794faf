#pragma once

#include <string>
#include <string_view>

namespace hwacme::tpm {

/// What stands between hwacme and the TPM, read from the TCTI string. Without a resource
/// manager (the TPM device itself, swtpm, mssim) the TPM keeps the objects and sessions a process
/// loaded after that process dies, and its few slots (three objects in swtpm) fill up with them;
/// a resource manager (the kernel's /dev/tpmrm*, tpm2-abrmd) flushes a client's objects when it
/// goes away and swaps objects in and out so every client sees an empty TPM.
enum class ResourceManager { Kernel, Abrmd, None };

ResourceManager resource_manager_of(std::string_view tcti) noexcept;

/// For `key show`: "kernel (device:/dev/tpmrm0)", "tpm2-abrmd", or "none: …".
std::string describe_resource_manager(std::string_view tcti);

}  // namespace hwacme::tpm
