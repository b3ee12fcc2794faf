#include "agent/service/certificate_revocation.h"

#include "agent/acme/revocation.h"
#include "agent/service/acme_context.h"
#include "agent/signing/key_signer.h"
#include "common/error.h"

namespace hwacme::service {

CertificateSummary revoke_certificate_file(const RunOptions& options,
                                           const RevocationRequest& request) {
    auto cert = load_certificate_file(request.cert_file);
    custody::KeyPlan keys;
    if (!request.cert_key) keys.account = account_key_spec(options, {});
    AcmeContext context(options, keys);
    auto der = certificate_der(cert.get());
    if (request.cert_key) {
        auto key =
            keystore::open_key(context.registry, *request.cert_key, options.keystore_options());
        if (!certifies_key(cert.get(), key->public_key().get()))
            throw Error(Errc::InvalidArgument,
                        request.cert_file + " does not certify the key " + key->uri());
        acme::revoke_certificate(context.acme, der, request.reason, signing::KeySigner(*key),
                                 std::nullopt);
    } else {
        auto account = resolve_account(context, {});
        acme::revoke_certificate(context.acme, der, request.reason, account.signer(),
                                 account.state.account_url);
    }
    return summarize(cert.get());
}

}  // namespace hwacme::service
