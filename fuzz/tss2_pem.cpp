// TSS2 PRIVATE KEY files (tpm2: keys), which anyone who can write the key folder may have
// replaced: decoded, and their public area read, as the TPM keystore does before loading; a
// decoded key encodes back to a file that decodes the same.
#include <tss2/tss2_tpm2_types.h>

#include <cstdint>
#include <string_view>

#include "common/error.h"
#include "tpm/tpm_public.h"
#include "tpm/tss2_pem.h"

namespace {

bool same(const hwacme::tpm::Tss2KeyFile& a, const hwacme::tpm::Tss2KeyFile& b) {
    return a.empty_auth == b.empty_auth && a.parent == b.parent && a.public_area == b.public_area &&
           a.private_area == b.private_area;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace hwacme::tpm;
    const std::string source = "web.tss2.pem";
    Tss2KeyFile key;
    try {
        key = decode_tss2_pem(std::string_view(reinterpret_cast<const char*>(data), size), source);
    } catch (const hwacme::Error&) {
        return 0;
    }
    if (!same(decode_tss2_pem(encode_tss2_pem(key), source), key)) __builtin_trap();
    try {
        TPM2B_PUBLIC pub = unmarshal_public(key.public_area, source);
        public_facts(pub);
        public_key_of(pub);
    } catch (const hwacme::Error&) {
    }
    return 0;
}
