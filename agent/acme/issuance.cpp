#include "agent/acme/issuance.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <tuple>

#include "agent/acme/challenge_solver.h"
#include "agent/acme/order.h"
#include "agent/acme/poll_backoff.h"
#include "agent/jose/jwk.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::acme {
namespace {

using Deadline = std::chrono::steady_clock::time_point;

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string joined;
    for (const auto& item : items) joined += (joined.empty() ? "" : std::string(separator)) + item;
    return joined;
}

std::string describe(const Identifier& id) {
    return id.type + ":" + id.value;
}

std::string describe_all(const std::vector<Identifier>& identifiers) {
    std::vector<std::string> names;
    for (const auto& id : identifiers) names.push_back(describe(id));
    return log::printable(join(names, ", "));
}

/// Keeps challenges presented for exactly as long as validation needs them.
class PresentedChallenges {
public:
    explicit PresentedChallenges(ChallengeSolver& solver) : solver_(solver) {}
    PresentedChallenges(const PresentedChallenges&) = delete;
    PresentedChallenges& operator=(const PresentedChallenges&) = delete;
    ~PresentedChallenges() {
        for (const auto& p : presented_)
            solver_.cleanup(p.identifier, p.token, p.key_authorization);
    }
    void present(const Identifier& identifier, const std::string& token,
                 const std::string& key_authorization) {
        solver_.present(identifier, token, key_authorization);
        presented_.push_back({identifier, token, key_authorization});
    }

private:
    struct Presented {
        Identifier identifier;
        std::string token;
        std::string key_authorization;
    };
    ChallengeSolver& solver_;
    std::vector<Presented> presented_;
};

std::string validation_failure(const Authorization& authz) {
    std::string message = "validation of " + describe(authz.identifier) + " failed";
    for (const auto& challenge : authz.challenges)
        if (challenge.error) return message + ": " + challenge.error->describe();
    return message + " (authorization " + authz.status + ")";
}

/// The first authorization of a failed order that says why.
[[noreturn]] void throw_validation_failure(AccountSession& session, const Order& order) {
    for (const auto& url : order.authorizations) {
        Authorization authz = fetch_authorization(session, url);
        if (authz.status != "valid" && authz.status != "pending")
            throw Error(Errc::Protocol, validation_failure(authz));
    }
    std::string why = order.error ? order.error->describe() : "no reason given";
    throw Error(Errc::Protocol, "the CA marked order " + order.url + " invalid: " + why);
}

bool still_working(const Order& order, std::string_view until) {
    return order.status == "pending" || (order.status == "processing" && until == "valid");
}

/// Polls an order the CA is still working on until it reaches `until` ("ready" or "valid").
/// It waits before each fetch: the answer in hand already said the CA is not done.
Order wait_for_order(AccountSession& session, Order order, std::string_view until,
                     Deadline deadline) {
    PollBackoff backoff("order " + order.url + " to become " + std::string(until), deadline);
    while (still_working(order, until)) {
        backoff.wait(order.retry_after);
        order = fetch_order(session, order.url);
    }
    if (order.status == "invalid") throw_validation_failure(session, order);
    return order;
}

/// Finalizes an order believed ready. A CA that has not caught up yet answers orderNotReady
/// (RFC 8555 §7.4); then the order is polled until ready and finalized once more.
Order finalize_when_ready(AccountSession& session, const Order& order, ByteView csr,
                          Deadline deadline) {
    if (auto finalized = finalize_order(session, order, csr)) return *finalized;
    Order pending = order;
    pending.status = "pending";
    Order ready = wait_for_order(session, std::move(pending), "ready", deadline);
    if (auto finalized = finalize_order(session, ready, csr)) return *finalized;
    throw Error(Errc::Protocol, "the CA keeps answering orderNotReady for " + order.url);
}

/// The identifiers of a request, checked for what the CA would refuse anyway.
std::vector<Identifier> requested_identifiers(const IssuanceRequest& request) {
    if (request.names.empty()) throw Error(Errc::InvalidArgument, "no names to certify");
    if (!request.certificate_key || !request.solver)
        throw Error(Errc::InvalidArgument, "issuance needs a certificate key and a solver");
    std::vector<Identifier> identifiers;
    for (const auto& name : request.names) {
        identifiers.push_back(identifier_for(name));
        // RFC 8555 §7.1.3: the CA offers only dns-01 for a wildcard; say so before ordering.
        if (name.starts_with("*.") && request.solver->type() != "dns-01")
            throw Error(Errc::InvalidArgument,
                        "the wildcard name " + name + " can only be validated with dns-01");
    }
    return identifiers;
}

void require_offered_profile(AccountSession& session, const std::optional<std::string>& profile) {
    if (!profile) return;
    const auto& offered = session.acme().directory().profiles;
    if (std::find(offered.begin(), offered.end(), *profile) == offered.end())
        throw Error(Errc::Unsupported,
                    "the CA does not offer the profile '" + *profile + "'" +
                        (offered.empty() ? " (its directory lists no profiles)"
                                         : " (it offers: " + join(offered, ", ") + ")"));
}

/// Identifiers as a set: order and DNS case do not matter (RFC 4343).
std::vector<Identifier> as_set(std::vector<Identifier> identifiers) {
    for (auto& id : identifiers)
        std::transform(id.value.begin(), id.value.end(), id.value.begin(),
                       [](unsigned char c) { return std::tolower(c); });
    auto by_type_value = [](const Identifier& a, const Identifier& b) {
        return std::tie(a.type, a.value) < std::tie(b.type, b.value);
    };
    std::sort(identifiers.begin(), identifiers.end(), by_type_value);
    identifiers.erase(std::unique(identifiers.begin(), identifiers.end()), identifiers.end());
    return identifiers;
}

/// Why `order` cannot be carried on with for `identifiers`; nullopt when it can.
/// Every order status but invalid (RFC 8555 §7.1.6) can still lead to the certificate.
std::optional<std::string> why_not_resumable(const Order& order,
                                             const std::vector<Identifier>& identifiers) {
    static const std::vector<std::string> resumable{"pending", "ready", "processing", "valid"};
    if (std::find(resumable.begin(), resumable.end(), order.status) == resumable.end())
        return "it is " + log::printable(order.status);
    if (as_set(order.identifiers) != as_set(identifiers))
        return "it names other identifiers (" + describe_all(order.identifiers) + ")";
    return std::nullopt;
}

/// The earlier order to carry on with, or nullopt (said why) when a new one must be made.
std::optional<Order> resumable_order(AccountSession& session, const std::string& url,
                                     const std::vector<Identifier>& identifiers) {
    Order order;
    try {
        order = fetch_order(session, url);
    } catch (const Error& e) {
        // The CA forgot it or never had it for this account: a new order is the way forward.
        if (e.code() != Errc::Protocol) throw;
        std::string why = e.what();
        while (!why.empty() && why.back() == ' ') why.pop_back();
        log::info("not resuming order " + url + ": " + why + "; making a new order");
        return std::nullopt;
    }
    if (auto why = why_not_resumable(order, identifiers)) {
        log::info("not resuming order " + url + ": " + *why + "; making a new order");
        return std::nullopt;
    }
    log::info("resuming order " + url + " (" + log::printable(order.status) + ")");
    return order;
}

/// A new order must be for what was asked: a CA that orders other names is not followed.
void require_requested(const Order& order, const std::vector<Identifier>& identifiers) {
    if (as_set(order.identifiers) != as_set(identifiers))
        throw Error(Errc::Protocol,
                    "the CA's order " + log::printable(order.url) + " names other identifiers (" +
                        describe_all(order.identifiers) + ") than were asked for (" +
                        describe_all(identifiers) + ")");
}

/// RFC 8555 §7.1.4: an authorization is for one of its order's identifiers, a wildcard one
/// naming the base domain with "wildcard": true. One for any other name would have hwacme prove
/// (and its DNS hook act) for names nobody ordered.
void require_ordered(const Authorization& authz, const Order& order) {
    Identifier claimed = authz.identifier;
    if (authz.wildcard) claimed.value = "*." + claimed.value;
    auto ordered = as_set(order.identifiers);
    if (std::find(ordered.begin(), ordered.end(), as_set({claimed}).front()) == ordered.end())
        throw Error(Errc::Protocol, "the CA's authorization " + log::printable(authz.url) +
                                        " is for " + log::printable(describe(claimed)) +
                                        ", which order " + log::printable(order.url) +
                                        " does not name (" + describe_all(order.identifiers) +
                                        "): nothing was presented for it");
}

/// Answers the pending authorizations of a pending order with the solver's challenge and
/// returns the order once the CA says it is ready (RFC 8555 §7.5.1).
Order authorize(AccountSession& session, Order order, ChallengeSolver& solver, Deadline deadline) {
    auto account_key = session.key().public_key();
    PresentedChallenges presented(solver);
    std::vector<std::pair<Identifier, Challenge>> to_answer;
    for (const auto& url : order.authorizations) {
        Authorization authz = fetch_authorization(session, url);
        require_ordered(authz, order);
        if (authz.status == "valid") {
            log::info(describe(authz.identifier) + " is already authorized");
            continue;
        }
        if (authz.status != "pending") throw Error(Errc::Protocol, validation_failure(authz));
        const Challenge* challenge = authz.challenge(solver.type());
        if (!challenge)
            throw Error(Errc::Unsupported, "the CA offers no " + std::string(solver.type()) +
                                               " challenge for " + describe(authz.identifier));
        Identifier identifier = authz.identifier;
        if (authz.wildcard) identifier.value = "*." + identifier.value;
        presented.present(identifier, challenge->token,
                          jose::key_authorization(challenge->token, account_key.get()));
        to_answer.emplace_back(identifier, *challenge);
    }
    if (!to_answer.empty()) solver.ready();
    bool all_valid = true;
    for (const auto& [identifier, challenge] : to_answer) {
        // A challenge answered before an interruption is already processing: answering it
        // again is not needed, but what it validates must be served again.
        std::string status = challenge.status;
        if (status == "pending") status = answer_challenge(session, challenge.url).status;
        if (status == "invalid") throw_validation_failure(session, fetch_order(session, order.url));
        all_valid = all_valid && status == "valid";
        log::info("answered " + std::string(solver.type()) + " for " + describe(identifier));
    }
    // One order poll watches every authorization at once (RFC 8555 §7.1.6: the order turns ready
    // when all are valid, invalid when one fails); per-authorization polls cost a request each.
    order.status = "pending";
    if (!all_valid)
        order = wait_for_order(session, std::move(order), "ready", deadline);
    else
        order.status = "ready";
    for (const auto& id : order.identifiers) log::info("validated " + describe(id));
    return order;
}

}  // namespace

IssuedCertificate issue_certificate(AccountSession& session, const IssuanceRequest& request) {
    // One deadline for every request and wait of the issuance, the caller's own if earlier.
    http::DeadlineScope time_allowed(session.acme().http(),
                                     std::chrono::steady_clock::now() + request.timeout);
    const Deadline deadline = *session.acme().http().deadline();
    auto identifiers = requested_identifiers(request);
    request.solver->set_deadline(deadline);
    require_offered_profile(session, request.order_options.profile);
    std::optional<Order> resumed;
    if (request.resume_order_url)
        resumed = resumable_order(session, *request.resume_order_url, identifiers);
    Order order = resumed ? *resumed : new_order(session, identifiers, request.order_options);
    require_requested(order, identifiers);
    if (!resumed) log::info("order " + order.url + " is " + order.status);
    if (request.on_order) request.on_order(order);

    if (order.status == "pending")
        order = authorize(session, std::move(order), *request.solver, deadline);
    if (order.status == "ready") {
        Bytes csr = request.certificate_key->certificate_request(request.names);
        order = finalize_when_ready(session, order, csr, deadline);
    }
    order = wait_for_order(session, std::move(order), "valid", deadline);
    if (order.status != "valid" || !order.certificate)
        throw Error(Errc::Protocol,
                    "order " + order.url + " ended " + order.status + " without a certificate");
    auto chain = download_certificate(session, *order.certificate);
    log::info("certificate downloaded from " + *order.certificate);
    return {order.url, *order.certificate, std::move(chain.pem), std::move(chain.alternates)};
}

}  // namespace hwacme::acme
