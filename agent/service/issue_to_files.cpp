#include "agent/service/issue_to_files.h"

#include "agent/acme/order.h"
#include "agent/acme/renewal_info.h"
#include "agent/service/certificate_pipeline.h"
#include "agent/service/challenge_setup.h"
#include "agent/service/network_confinement.h"
#include "agent/service/order_state.h"
#include "common/error.h"
#include "common/log.h"
#include "common/rfc3339.h"

namespace hwacme::service {
namespace {

std::optional<std::string> optional_if_set(const std::string& value) {
    if (value.empty()) return std::nullopt;
    return value;
}

/// The ARI identifier of the certificate in `pem_file` for newOrder's `replaces` (RFC 9773 §5),
/// or nullopt when none is asked or the CA offers no renewalInfo and would not understand it.
std::optional<std::string> replaces_id(acme::Client& acme, const std::filesystem::path& pem_file) {
    if (pem_file.empty()) return std::nullopt;
    auto certificate = load_certificate_file(pem_file);
    if (!acme.directory().renewal_info) {
        log::info("the CA offers no renewalInfo (ARI): --replaces " + pem_file.string() +
                  " is skipped");
        return std::nullopt;
    }
    return acme::ari_certificate_id(certificate.get());
}

/// The order of this issuance, kept in the state folder while it is under way.
class SavedOrderResume final : public OrderResume {
public:
    SavedOrderResume(const RunOptions& options, const std::vector<std::string>& names,
                     const std::string& key_uri)
        : state_dir_(options.state_path()),
          record_{options.server, name_set(names), key_uri, {}, {}} {}

    std::optional<std::string> saved_url() const override {
        auto saved =
            load_saved_order(state_dir_, record_.directory_url, record_.names, record_.key_uri);
        if (!saved) return std::nullopt;
        return saved->order_url;
    }
    void save(const acme::Order& order) override {
        record_.order_url = order.url;
        record_.saved_at = system_seconds();
        save_order(state_dir_, record_);
        log::debug(
            "saved order " + order.url + " in " +
            saved_order_path(state_dir_, record_.directory_url, record_.names, record_.key_uri)
                .string());
    }
    void forget() override { remove_saved_order(state_dir_, record_); }

private:
    std::filesystem::path state_dir_;
    SavedOrder record_;
};

/// cert.pem, chain.pem and fullchain.pem in a folder, and the certificate beside its key in the
/// token when asked.
class FilesSink final : public CertificateSink {
public:
    FilesSink(const IssueRequest& request, custody::RunKeys& keys)
        : request_(request), keys_(keys) {}

    std::string install(const ObtainedCertificate& certificate) override {
        files_ = write_certificate_files(request_.out_dir, certificate.chain);
        summary_ = summarize(certificate.leaf.get());
        if (request_.store_cert_in_token) keys_.store_certificate(certificate.leaf.get());
        return "serial " + summary_.serial_hex + " in " + request_.out_dir.string();
    }
    IssuedFiles result() {
        return {files_, summary_, keys_.key(custody::KeyRole::Certificate).uri};
    }

private:
    const IssueRequest& request_;
    custody::RunKeys& keys_;
    CertificateFiles files_;
    CertificateSummary summary_;
};

/// What the network process of `issue` touches: the output folder, the webroot, the
/// certificate it replaces, the challenge server's port.
NetworkNeeds issue_needs(const IssueRequest& request) {
    NetworkNeeds needs{.read_write = {request.out_dir}};
    add_challenge_needs(request.challenge, needs);
    if (!request.replaces.empty()) needs.read_only.push_back(request.replaces);
    return needs;
}

}  // namespace

custody::KeyPlan issue_key_plan(const RunOptions& options, const IssueRequest& request) {
    return {.account = account_key_spec(options, request.account),
            .certificate = custody::KeySpec{request.key_uri, request.key_type, true}};
}

CustodyPlan issue_custody_plan(const RunOptions& options, const IssueRequest& request) {
    const auto& challenge = request.challenge;
    CustodyPlan plan{
        .keys = issue_key_plan(options, request),
        .policy = {.directory_url = options.server, .certificates = {{"", request.names}}},
        .duties = {.store_certificate = request.store_cert_in_token},
        .idle_limit = request.timeout + std::chrono::seconds(60),
        .output_folders = {request.out_dir, options.state_path()}};
    if (challenge.type == "dns-01") plan.duties.dns_hooks[""] = challenge.dns_hook;
    bind_account_in_custody(request.account, plan);
    return plan;
}

IssuedFiles issue_to_files(const RunOptions& options, const IssueRequest& request) {
    // A name the CA could never certify must not cost a key or an account.
    for (const auto& name : request.names) acme::identifier_for(name);
    const auto& key_uri = request.key_uri;
    if (request.store_cert_in_token && key_uri.scheme() != "pkcs11")
        throw Error(Errc::InvalidArgument,
                    "--store-cert-in-token needs a pkcs11: key, not " + key_uri.scheme() + ":");
    confine_network_process(options, issue_needs(request));
    AcmeContext context(options, issue_key_plan(options, request));
    context.http.set_deadline(std::chrono::steady_clock::now() + request.timeout);
    // A webroot that is refused, or a port that is taken, must not cost a key or an account.
    ChallengeSetup challenge = set_up_challenge(request.challenge);
    auto account = resolve_account(context, request.account);
    // Reach the CA before a key is generated for it: an unreachable CA must leave nothing behind.
    context.acme.directory();
    CertificateOrder order{
        .names = request.names,
        .key_uri = {},
        .timeout = request.timeout,
        .order_options = {.replaces = replaces_id(context.acme, request.replaces),
                          .profile = optional_if_set(request.profile)},
        .preferred_chain = request.preferred_chain};
    const auto& key = context.keys->key(custody::KeyRole::Certificate);
    order.key_uri = key.uri;

    acme::AccountSession session(context.acme, account.signer(), account.state.account_url);
    SavedOrderResume resume(options, request.names, key.uri);
    FilesSink sink(request, *context.keys);
    obtain_and_install(session, key.csr, *challenge.solver, order, resume, sink);
    log::debug("requests: " + std::to_string(context.http.request_count()) +
               ", connections: " + std::to_string(context.http.connection_count()));
    return sink.result();
}

}  // namespace hwacme::service
