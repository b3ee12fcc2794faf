// The certificate chain the CA sends (RFC 8555 §7.4.2), split and read as issue and renew do:
// split_pem_chain, the top issuer for --preferred-chain, the leaf's summary and its ARI id.
#include <cstdint>
#include <string_view>

#include "agent/acme/renewal_info.h"
#include "agent/service/certificate_files.h"
#include "common/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace hwacme::service;
    try {
        auto chain = split_pem_chain(std::string_view(reinterpret_cast<const char*>(data), size));
        issuer_common_name(parse_pem_certificate(chain.back()).get());
        auto leaf = parse_pem_certificate(chain.front());
        summarize(leaf.get());
        certificate_der(leaf.get());
        hwacme::acme::ari_certificate_id(leaf.get());
    } catch (const hwacme::Error&) {
    }
    return 0;
}
