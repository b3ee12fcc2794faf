#include "agent/service/issue_to_files.h"

#include "agent/acme/order.h"
#include "agent/acme/renewal_info.h"
#include "agent/service/certificate_pipeline.h"
#include "agent/service/challenge_setup.h"
#include "agent/service/order_state.h"
#include "agent/signing/key_signer.h"
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
    FilesSink(const IssueRequest& request, const keystore::OpenedKey& key)
        : request_(request), key_(key) {}

    std::string install(const ObtainedCertificate& certificate) override {
        files_ = write_certificate_files(request_.out_dir, certificate.chain);
        summary_ = summarize(certificate.leaf.get());
        if (request_.store_cert_in_token) {
            // The keystore's own session: no second login.
            key_.store->certificate_storage()->store_certificate(*key_.key, certificate.leaf.get());
            log::info("stored the certificate in the token beside " + key_->uri());
        }
        return "serial " + summary_.serial_hex + " in " + request_.out_dir.string();
    }
    IssuedFiles result() const { return {files_, summary_, key_->uri()}; }

private:
    const IssueRequest& request_;
    const keystore::OpenedKey& key_;
    CertificateFiles files_;
    CertificateSummary summary_;
};

}  // namespace

IssuedFiles issue_to_files(const RunOptions& options, const IssueRequest& request) {
    // A name the CA could never certify must not cost a key or an account.
    for (const auto& name : request.names) acme::identifier_for(name);
    AcmeContext context(options);
    context.http.set_deadline(std::chrono::steady_clock::now() + request.timeout);
    const auto& key_uri = request.key_uri;
    if (request.store_cert_in_token && key_uri.scheme() != "pkcs11")
        throw Error(Errc::InvalidArgument,
                    "--store-cert-in-token needs a pkcs11: key, not " + key_uri.scheme() + ":");
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
    auto key = keystore::open_or_generate_key(context.registry, key_uri, request.key_type,
                                              options.keystore_options());
    if (key.generated)
        log::info("generated certificate key " + key->uri() + " (" +
                  std::string(keystore::to_string(key->type())) + ")");
    order.key_uri = key->uri();

    acme::AccountSession session(context.acme, *account.signer, account.state.account_url);
    const signing::KeySigner signer(*key);
    SavedOrderResume resume(options, request.names, key->uri());
    if (request.store_cert_in_token && !key.store->certificate_storage())
        throw Error(Errc::Unsupported, "the store of " + key->uri() + " keeps no certificates");
    FilesSink sink(request, key);
    obtain_and_install(session, signer, *challenge.solver, order, resume, sink);
    log::debug("requests: " + std::to_string(context.http.request_count()) +
               ", connections: " + std::to_string(context.http.connection_count()));
    return sink.result();
}

}  // namespace hwacme::service
