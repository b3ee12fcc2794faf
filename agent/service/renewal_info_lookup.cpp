#include "agent/service/renewal_info_lookup.h"

#include "agent/service/acme_context.h"
#include "agent/service/certificate_files.h"
#include "common/error.h"

namespace hwacme::service {

RenewalInfoLookup look_up_renewal_info(const RunOptions& options, const std::string& cert_file) {
    auto cert = load_certificate_file(cert_file);
    auto id = acme::ari_certificate_id(cert.get());
    AcmeContext context(options);
    auto info = acme::fetch_renewal_info(context.acme, id);
    if (!info)
        throw Error(Errc::Unsupported, "the CA at " + options.server +
                                           " offers no renewal information (its directory has "
                                           "no renewalInfo, RFC 9773)");
    return {id, *info};
}

}  // namespace hwacme::service
