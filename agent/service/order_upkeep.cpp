#include "agent/service/order_upkeep.h"

#include "agent/service/acme_context.h"
#include "agent/service/order_state.h"
#include "common/error.h"
#include "common/log.h"

namespace hwacme::service {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string joined;
    for (const auto& item : items) joined += (joined.empty() ? "" : std::string(separator)) + item;
    return joined;
}

/// The order as the CA has it; Error{NotFound} naming the URL when the CA does not know it
/// (RFC 8555 answers such a POST-as-GET with an error: 404 or unauthorized).
acme::Order fetch_known_order(acme::AccountSession& session, const std::string& url) {
    try {
        return acme::fetch_order(session, url);
    } catch (const Error& e) {
        if (e.code() != Errc::Protocol) throw;
        std::string why = e.what();
        while (!why.empty() && why.back() == ' ') why.pop_back();
        throw Error(Errc::NotFound, "the CA at " + session.acme().directory_url() +
                                        " does not know order " + url + ": " + why);
    }
}

std::vector<SavedOrder> orders_to_cancel(const RunOptions& options, const CancelRequest& request) {
    if (!request.order_url.empty()) {
        for (auto& saved : list_saved_orders(options.state_path()))
            if (saved.directory_url == options.server && saved.order_url == request.order_url)
                return {saved};
        return {SavedOrder{options.server, {}, {}, request.order_url, {}}};
    }
    std::vector<SavedOrder> chosen;
    for (auto& saved : list_saved_orders(options.state_path()))
        if (saved.directory_url == options.server &&
            (request.all || saved.names == name_set(request.names)))
            chosen.push_back(std::move(saved));
    if (!request.all && chosen.empty())
        throw Error(Errc::NotFound, "no saved order for " + join(name_set(request.names), " ") +
                                        " at " + options.server + ": see 'hwacme order list'");
    if (!request.all && chosen.size() > 1)
        throw Error(Errc::InvalidArgument,
                    std::to_string(chosen.size()) + " saved orders name " +
                        join(name_set(request.names), " ") +
                        " (one per key): pick one with --order URL, see 'hwacme order list'");
    return chosen;
}

/// Deactivates every authorization of the order that still counts: a pending one can no longer
/// be validated, a valid one no longer lets the account issue for its name.
void deactivate_authorizations(acme::AccountSession& session, const acme::Order& order,
                               const std::function<void(const std::string&)>& report) {
    std::size_t deactivated = 0;
    for (const auto& url : order.authorizations) {
        auto authz = acme::fetch_authorization(session, url);
        if (authz.status != "pending" && authz.status != "valid") {
            log::info(describe_identifier(authz) + " is " + log::printable(authz.status) +
                      "; left as it is");
            continue;
        }
        auto after = acme::deactivate_authorization(session, url);
        if (after.status != "deactivated")
            throw Error(Errc::Protocol, "the CA left the authorization " + url + " of " +
                                            describe_identifier(authz) + " " +
                                            log::printable(after.status));
        report("deactivated " + describe_identifier(authz) + " (" + url + ")");
        ++deactivated;
    }
    report("order " + order.url + ": " + std::to_string(deactivated) + " of " +
           std::to_string(order.authorizations.size()) + " authorizations deactivated");
}

}  // namespace

std::string describe_identifier(const acme::Authorization& authorization) {
    return log::printable(authorization.identifier.type + ":" +
                          (authorization.wildcard ? "*." : "") + authorization.identifier.value);
}

OrderView show_order(const RunOptions& options, const std::optional<std::string>& account_key,
                     const std::string& url) {
    SignedInAccount signed_in(options, account_key);
    OrderView view{fetch_known_order(signed_in.session, url), {}};
    for (const auto& authorization : view.order.authorizations)
        view.authorizations.push_back(acme::fetch_authorization(signed_in.session, authorization));
    return view;
}

void cancel_orders(const RunOptions& options, const CancelRequest& request,
                   const std::function<void(const std::string&)>& report) {
    auto orders = orders_to_cancel(options, request);
    if (orders.empty()) {
        report("no saved order at " + options.server);
        return;
    }
    SignedInAccount signed_in(options, request.account_key);
    auto state_dir = options.state_path();
    for (const auto& saved : orders) {
        bool is_saved = !saved.names.empty();
        std::optional<acme::Order> order;
        try {
            order = fetch_known_order(signed_in.session, saved.order_url);
        } catch (const Error& e) {
            if (e.code() != Errc::NotFound) throw;
            // The CA forgot the order (it expired, or a test CA restarted): its record is of no
            // use. An order the operator named is still an error; one of --all or -d is not.
            if (is_saved) {
                remove_saved_order(state_dir, saved);
                report("forgot order " + saved.order_url + ": the CA no longer knows it");
            }
            if (!request.order_url.empty()) throw;
            continue;
        }
        deactivate_authorizations(signed_in.session, *order, report);
        if (is_saved) {
            remove_saved_order(state_dir, saved);
            report("forgot the saved order for " + join(saved.names, " "));
        }
    }
}

}  // namespace hwacme::service
