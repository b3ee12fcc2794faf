// A marshalled TPM2B_PUBLIC (TPM 2.0 Part 2 §12.2.5) as a key file carries it, unmarshalled and
// read as `key show`, `key list` and the TPM keystore do; no TPM is involved. Marshalling what was
// read and reading that again must give the same bytes.
#include <tss2/tss2_tpm2_types.h>

#include <cstdint>

#include "common/error.h"
#include "tpm/tpm_public.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace hwacme::tpm;
    TPM2B_PUBLIC pub;
    try {
        pub = unmarshal_public(hwacme::ByteView(data, size), "the fuzzed public area");
    } catch (const hwacme::Error&) {
        return 0;
    }
    auto marshalled = marshal_public(pub);
    if (marshal_public(unmarshal_public(marshalled, "its marshalled form")) != marshalled)
        __builtin_trap();
    try {
        check_custody(pub, false, "the key");
        public_facts(pub);
        public_key_of(pub);
    } catch (const hwacme::Error&) {
    }
    return 0;
}
