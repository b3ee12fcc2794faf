#include "agent/service/certificate_pipeline.h"

#include "agent/service/certificate_files.h"
#include "agent/service/challenge_setup.h"
#include "common/error.h"

namespace hwacme::service {

std::string obtain_and_install(acme::AccountSession& session, const signing::CsrSigner& signer,
                               acme::ChallengeSolver& solver, const CertificateOrder& order,
                               OrderResume& resume, CertificateSink& sink) {
    acme::IssuanceRequest request;
    request.names = order.names;
    request.certificate_key = &signer;
    request.solver = &solver;
    request.timeout = order.timeout;
    request.order_options = order.order_options;
    request.resume_order_url = resume.saved_url();
    request.on_order = [&resume](const acme::Order& placed) { resume.save(placed); };

    ObtainedCertificate obtained{.issued = acme::issue_certificate(session, request)};
    obtained.chain = choose_chain(session, obtained.issued, order.preferred_chain);
    obtained.leaf = parse_pem_certificate(obtained.chain.front());
    if (!certifies_key(obtained.leaf.get(), signer.public_key().get())) {
        resume.forget();
        throw Error(Errc::Protocol, "the CA's certificate " + obtained.issued.certificate_url +
                                        " does not carry the public key of " + order.key_uri);
    }
    std::string installed = sink.install(obtained);
    resume.forget();
    return installed;
}

}  // namespace hwacme::service
