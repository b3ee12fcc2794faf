#include "agent/service/certificate_revocation.h"

#include "agent/acme/revocation.h"
#include "agent/service/acme_context.h"
#include "common/error.h"

namespace hwacme::service {

namespace {

custody::KeyPlan revocation_keys(const RunOptions& options, const RevocationRequest& request) {
    custody::KeyPlan keys;
    if (request.cert_key)
        keys.certificate = custody::KeySpec{*request.cert_key};
    else
        keys.account = account_key_spec(options, {});
    return keys;
}

}  // namespace

CustodyPlan revocation_custody_plan(const RunOptions& options, const RevocationRequest& request) {
    CustodyPlan plan{.keys = revocation_keys(options, request),
                     .policy = {.directory_url = options.server},
                     .output_folders = {options.state_path()}};
    if (request.cert_key) {
        plan.policy.operations.insert(custody::Operation::Revocation);
        // Read by custody itself: the certificate key signs the revocation of this one alone.
        auto cert = load_certificate_file(request.cert_file);
        plan.duties.revocation_payload =
            acme::revocation_payload(certificate_der(cert.get()), request.reason);
    }
    return plan;
}

CertificateSummary revoke_certificate_file(const RunOptions& options,
                                           const RevocationRequest& request) {
    auto cert = load_certificate_file(request.cert_file);
    AcmeContext context(options, revocation_keys(options, request));
    auto der = certificate_der(cert.get());
    if (request.cert_key) {
        const auto& key = context.keys->key(custody::KeyRole::Certificate);
        if (!certifies_key(cert.get(), key.requests.public_key().get()))
            throw Error(Errc::InvalidArgument,
                        request.cert_file + " does not certify the key " + key.uri);
        acme::revoke_certificate(context.acme, der, request.reason, key.requests, std::nullopt);
    } else {
        auto account = resolve_account(context, {});
        acme::revoke_certificate(context.acme, der, request.reason, account.signer(),
                                 account.state.account_url);
    }
    return summarize(cert.get());
}

}  // namespace hwacme::service
